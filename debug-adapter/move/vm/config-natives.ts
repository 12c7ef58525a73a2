// Sui natives that read the chain's configuration rather than compute: `sui::config::read_setting_impl`
// (a setting of a `Config` object as of the current epoch, used by the coin deny list) and
// `sui::protocol_config::is_feature_enabled` (Sui's protocol feature flags). Written after the behaviour
// of Sui's natives (sui-execution/latest/sui-move-natives/src/{config,protocol_config}.rs).
//
// This module only imports types from natives.ts, which registers these natives: no import cycle at run time.
import type { NativeFunction, NativeResult } from './natives.ts';
import { invariant } from './status.ts';
import { typeToString, type RuntimeType } from './types.ts';
import { Reference, StructValue, UInt, VectorValue, copyValue, type Value } from './values.ts';

const STD = '0'.repeat(63) + '1';
const SUI = '0'.repeat(63) + '2';

/**
 * The boolean feature flags that are on in Sui protocol version 140, the newest version the Sui repository's
 * snapshots list (crates/sui-protocol-config/src/snapshots/sui_protocol_config__test__version_140.snap, the
 * chain-independent configuration that `sui move test` runs under: the highest supported version). Flags
 * not listed are off there, and, as Sui's native does, a name that is no flag (or not UTF-8) reads as off.
 */
const ENABLED_FEATURES_V140: ReadonlySet<string> = new Set(`
package_upgrades commit_root_state_digest advance_epoch_start_time_in_safe_mode loaded_child_objects_fixed
missing_type_is_compatibility_error scoring_decision_with_validity_cutoff consensus_order_end_of_epoch_last
disallow_adding_abilities_on_upgrade disable_invariant_violation_check_in_swap_loc
advance_to_highest_supported_protocol_version ban_entry_init package_digest_hash_module
disallow_change_struct_type_params_on_upgrade no_extraneous_module_bytes narwhal_versioned_metadata zklogin_auth
simplified_unwrap_then_delete upgraded_multisig_supported txn_base_cost_as_multiplier shared_object_deletion
narwhal_new_leader_election_schedule loaded_child_object_format enable_jwk_consensus_updates
end_of_epoch_transaction_supported simple_conservation_checks loaded_child_object_format_type receive_objects
consensus_checkpoint_signature_key_includes_digest random_beacon bridge enable_effects_v2 narwhal_certificate_v2
verify_legacy_zklogin_address recompute_has_public_transfer_in_execution accept_zklogin_in_multisig
accept_passkey_in_multisig validate_zklogin_public_identifier include_consensus_digest_in_prologue
hardened_otw_check allow_receiving_object_id enable_poseidon enable_coin_deny_list
enable_group_ops_native_functions enable_group_ops_native_function_msm enable_ristretto255_group_ops
enable_verify_bulletproofs_ristretto255 enable_nitro_attestation enable_nitro_attestation_upgraded_parsing
enable_nitro_attestation_all_nonzero_pcrs_parsing enable_nitro_attestation_always_include_required_pcrs_parsing
reject_mutable_random_on_entry_functions correct_gas_payment_limit_check mysticeti_leader_scoring_and_schedule
reshare_at_same_initial_version resolve_abort_locations_to_package_id mysticeti_use_committed_subdag_digest
enable_vdf record_consensus_determined_version_assignments_in_prologue
record_consensus_determined_version_assignments_in_prologue_v2 fresh_vm_on_framework_upgrade
prepend_prologue_tx_in_consensus_commit_in_checkpoints soft_bundle enable_coin_deny_list_v2 passkey_auth
mldsa65_auth authority_capabilities_v2 rethrow_serialization_type_layout_errors
consensus_distributed_vote_scoring_strategy consensus_round_prober validate_identifier_inputs
disallow_self_identifier mysticeti_fastpath disable_preconsensus_locking relocate_event_module
uncompressed_g1_group_elements disallow_new_modules_in_deps_only_packages consensus_smart_ancestor_selection
consensus_round_prober_probe_accepted_rounds native_charging_v2 consensus_linearize_subdag_v2
convert_type_argument_error variant_nodes consensus_zstd_compression minimize_child_object_mutations
record_additional_state_digest_in_prologue move_native_context consensus_median_based_commit_timestamp
normalize_ptb_arguments consensus_batched_block_sync enforce_checkpoint_timestamp_monotonicity
max_ptb_value_size_v2 resolve_type_input_ids_to_defining_id enable_party_transfer allow_unbounded_system_objects
type_tags_in_object_runtime enable_accumulators enable_coin_reservation_obj_refs create_root_accumulator_object
enable_authenticated_event_streams enable_address_balance_gas_payments address_balance_gas_check_rgp_at_signing
enable_multi_epoch_transaction_expiration relax_valid_during_for_owned_inputs enable_ptb_execution_v2
better_adapter_type_resolution_errors record_time_estimate_processed dependency_linkage_error
additional_multisig_checks ignore_execution_time_observations_after_certs_closed
debug_fatal_on_move_invariant_violation additional_consensus_digest_indirect_state check_for_init_during_upgrade
enable_init_on_upgrade enable_order_independent_upgrade_init_linkage harden_linkage_consistency
validate_ptb_argument_indices include_checkpoint_artifacts_digest_in_summary
use_mfp_txns_in_load_initial_object_debts cancel_for_failed_dkg_early always_advance_dkg_to_resolution
allow_dkg_completion_after_timeout enable_coin_registry abstract_size_in_object_runtime
object_runtime_charge_cache_load_gas additional_borrow_checks use_new_commit_handler better_loader_errors
generate_df_type_layouts framework_tx_context_mut_restrictions include_function_signatures_in_instantiation_limits
ptb_tx_context_restrictions enable_display_registry private_generics_verifier_v2 deprecate_global_storage_ops
normalize_depth_formula charge_ld_const_abstract_size consensus_skip_gced_accept_votes
include_cancelled_randomness_txns_in_prologue address_aliases create_forwarding_address_registry
enable_forwarding_addresses enable_account_policy fix_checkpoint_signature_mapping enable_object_funds_withdraw
record_net_unsettled_object_withdraws consensus_skip_gced_blocks_in_direct_finalization gas_rounding_halve_digits
flexible_tx_context_positions disable_entry_point_signature_check convert_withdrawal_compatibility_ptb_arguments
restrict_hot_or_not_entry_functions split_checkpoints_in_consensus_handler consensus_always_accept_system_transactions
validator_metadata_verify_v2 defer_owned_object_double_spend allowed_proposers randomize_checkpoint_tx_limit_in_tests
gasless_transaction_drop_safety merge_randomness_into_checkpoint use_coin_party_owner enable_gasless
gasless_verify_remaining_balance disallow_jump_orphans early_return_receive_object_mismatched_type
timestamp_based_epoch_close limit_groth16_pvk_inputs share_transaction_deny_config_in_consensus
granular_post_execution_checks early_exit_on_iffw enable_unified_linkage enable_allowances fix_ptb_generated_reads
check_object_funds_withdraw_in_execution memory_safety_invariant_check_v2 disable_effects_tx_dependencies
merge_colliding_deferrals
`.split(/\s+/).filter(Boolean));

/** Protocol version 140's native costs: config_read_setting_impl_cost_base and _cost_per_byte. */
const READ_SETTING_BASE = 100;
const READ_SETTING_PER_BYTE = 40;

const utf8 = new TextDecoder('utf-8', { fatal: true });
const deref = (v: Value): Value => (v instanceof Reference ? v.get() : v);
const ret = (cost: number, ...returns: Value[]): NativeResult => ({ returns, cost });

function bytesArg(v: Value): Uint8Array {
  const vec = deref(v);
  if (!(vec instanceof VectorValue)) throw invariant('expected vector<u8>');
  return Uint8Array.from(vec.items, (x) => Number((x as UInt).v));
}

function structFields(v: Value, what: string): Value[] {
  if (!(v instanceof StructValue)) throw invariant(`${what} is not a struct`);
  return v.fields;
}

/** The value inside an `Option` (its `vec` holds zero or one element), or undefined for none. */
function optionContent(option: Value): Value | undefined {
  const [vec] = structFields(option, 'Option');
  if (!(vec instanceof VectorValue)) throw invariant('Option without its vector');
  return vec.items[0];
}

/**
 * The size read_setting_impl's per-byte cost is charged for: one unit per primitive in the value read, an
 * approximation of Sui's `legacy_size` (which weighs containers and wide integers differently), so this
 * native's gas may differ slightly from a real run.
 */
function legacySize(v: Value): number {
  if (v instanceof StructValue) return v.fields.reduce((n, f) => n + legacySize(f), 0);
  if (v instanceof VectorValue) return v.items.reduce((n, e) => n + legacySize(e), 0);
  return 1;
}

const table = new Map<string, NativeFunction>();

/**
 * `read_setting_impl<Field<Name, Setting<V>>, Setting<V>, SettingData<V>, V>(config, name, current_epoch)`:
 * the setting's value as of `current_epoch`: the newer value once an epoch later than the one it was
 * written for has started, else the older one; none when the config has no such field (or one of another
 * type). Sui reads the field as committed before the transaction; our object runtime keeps one current
 * copy of each dynamic field. That gives the same answer for a value written in this transaction (one
 * written for the next epoch is never the one read in the epoch it was written), but not for a setting
 * removed earlier in the same transaction: Sui still returns its committed value, we return none.
 */
table.set(`${SUI}::config::read_setting_impl`, (ctx, [config, name, epoch]) => {
  const [fieldType, , , valueType] = ctx.typeArgs as [RuntimeType, RuntimeType, RuntimeType, RuntimeType];
  const optionDef = ctx.services.loader.tryModule(STD, 'option')?.datatype('Option');
  if (!optionDef) throw invariant('std::option is not loaded');
  const none = () => new StructValue({ kind: 'datatype', def: optionDef, typeArgs: [valueType] }, [new VectorValue(valueType, [])]);
  const configId = deref(config);
  const fieldId = deref(name);
  const currentEpoch = deref(epoch);
  if (typeof configId !== 'string' || typeof fieldId !== 'string' || typeof currentEpoch !== 'bigint') throw invariant('read_setting_impl arguments');
  const entry = ctx.services.objects.children.get(configId)?.get(fieldId);
  if (!entry || typeToString(entry.type) !== typeToString(fieldType)) return ret(READ_SETTING_BASE, none());
  // Field { id, name, value: Setting { data: Option<SettingData { newer_value_epoch, newer_value, older_value_opt }> } }
  const [, , setting] = structFields(deref(entry.cell[0]), 'Field');
  const data = optionContent(structFields(setting, 'Setting')[0]);
  if (data === undefined) return ret(READ_SETTING_BASE, none());
  const [newerEpoch, newerValue, olderValue] = structFields(data, 'SettingData');
  const read = copyValue(currentEpoch > (newerEpoch as bigint) ? newerValue : olderValue);
  return ret(READ_SETTING_BASE + READ_SETTING_PER_BYTE * legacySize(read), read);
});

/** `is_feature_enabled(name)`: whether the flag is on in protocol version 140; free, as in Sui. */
table.set(`${SUI}::protocol_config::is_feature_enabled`, (_ctx, [name]) => {
  let flag: string | undefined;
  try {
    flag = utf8.decode(bytesArg(name));
  } catch {
    flag = undefined; // not UTF-8: off, as Sui's native answers
  }
  return ret(0, flag !== undefined && ENABLED_FEATURES_V140.has(flag));
});

/** These natives, keyed `<64 hex address>::module::function`, for natives.ts to register. */
export const CONFIG_NATIVES: ReadonlyMap<string, NativeFunction> = table;
