#[test_only]
module coin::gold_tests;

use coin::gold::{Self, Gold, MintCap, Treasury};
use sui::test_scenario;

const ADMIN: address = @0xA;
const ALICE: address = @0xB;

/// Publishes the package as ADMIN and mints `value` for ALICE; the next transaction is ALICE's.
fun mint_for_alice(scenario: &mut test_scenario::Scenario, value: u64) {
    scenario.next_tx(ADMIN);
    let cap = scenario.take_from_sender<MintCap>();
    let mut treasury = scenario.take_shared<Treasury>();
    let coin = gold::mint(&cap, &mut treasury, value, scenario.ctx());
    transfer::public_transfer(coin, ALICE);
    test_scenario::return_shared(treasury);
    scenario.return_to_sender(cap);
    scenario.next_tx(ALICE);
}

#[test]
fun mint_split_join() {
    let mut scenario = test_scenario::begin(ADMIN);
    gold::init_for_testing(scenario.ctx());
    mint_for_alice(&mut scenario, 100);
    let mut coin = scenario.take_from_sender<Gold>();
    let part = coin.split(30, scenario.ctx());
    assert!(coin.value() == 70 && part.value() == 30);
    std::debug::print(&part.value());
    coin.join(part);
    assert!(coin.value() == 100);
    scenario.return_to_sender(coin);
    let effects = scenario.next_tx(ALICE);
    // The split coin was created and deleted in the same transaction: only the join shows.
    assert!(effects.created().length() == 0 && effects.deleted().length() == 0);
    scenario.end();
}

#[test]
fun burn_reduces_supply() {
    let mut scenario = test_scenario::begin(ADMIN);
    gold::init_for_testing(scenario.ctx());
    mint_for_alice(&mut scenario, 400);
    let coin = scenario.take_from_sender<Gold>();
    let mut treasury = scenario.take_shared<Treasury>();
    assert!(treasury.total_supply() == 400);
    gold::burn(&mut treasury, coin);
    assert!(treasury.total_supply() == 0);
    test_scenario::return_shared(treasury);
    let effects = scenario.next_tx(ALICE);
    assert!(effects.deleted().length() == 1);
    assert!(!test_scenario::has_most_recent_for_address<Gold>(ALICE));
    scenario.end();
}

#[test, expected_failure(abort_code = gold::EInsufficientValue)]
fun split_too_much() {
    let mut scenario = test_scenario::begin(ADMIN);
    gold::init_for_testing(scenario.ctx());
    mint_for_alice(&mut scenario, 10);
    let mut coin = scenario.take_from_sender<Gold>();
    let part = coin.split(11, scenario.ctx());
    coin.join(part);
    scenario.return_to_sender(coin);
    scenario.end();
}

#[test]
/// Fails on purpose: minting past the maximum supply aborts with ESupplyExceeded (shown with its name,
/// message and line by `chainstep move test`, the Test Explorer and the debugger).
fun mint_past_max_supply() {
    let mut scenario = test_scenario::begin(ADMIN);
    gold::init_for_testing(scenario.ctx());
    mint_for_alice(&mut scenario, 600);
    mint_for_alice(&mut scenario, 600);
    scenario.end();
}
