/// A coin-like Sui package: `Gold` objects that can be minted (with the `MintCap`), split, joined and
/// burned, and a shared `Treasury` that tracks the supply against a maximum.
module coin::gold;

/// Minting would take the total supply past the treasury's maximum.
#[error]
const ESupplyExceeded: vector<u8> = b"Minting would exceed the maximum supply";

/// A split asked for more than the coin holds.
#[error]
const EInsufficientValue: vector<u8> = b"Not enough gold to split off that amount";

/// The most gold there can ever be.
const MAX_SUPPLY: u64 = 1_000;

/// Shared: everyone reads the supply; only the `MintCap` holder mints.
public struct Treasury has key {
    id: UID,
    total_supply: u64,
    max_supply: u64,
}

/// Owned by the publisher: the right to mint.
public struct MintCap has key, store {
    id: UID,
}

/// An amount of gold, owned by an address.
public struct Gold has key, store {
    id: UID,
    value: u64,
}

fun init(ctx: &mut TxContext) {
    transfer::share_object(Treasury { id: object::new(ctx), total_supply: 0, max_supply: MAX_SUPPLY });
    transfer::transfer(MintCap { id: object::new(ctx) }, ctx.sender());
}

/// New gold worth `value`, counted in the treasury's supply.
public fun mint(_: &MintCap, treasury: &mut Treasury, value: u64, ctx: &mut TxContext): Gold {
    let new_supply = treasury.total_supply + value;
    assert!(new_supply <= treasury.max_supply, ESupplyExceeded);
    treasury.total_supply = new_supply;
    Gold { id: object::new(ctx), value }
}

/// Takes `amount` out of `self` into a new coin.
public fun split(self: &mut Gold, amount: u64, ctx: &mut TxContext): Gold {
    assert!(self.value >= amount, EInsufficientValue);
    self.value = self.value - amount;
    Gold { id: object::new(ctx), value: amount }
}

/// Adds `other` to `self`; `other` is deleted.
public fun join(self: &mut Gold, other: Gold) {
    let Gold { id, value } = other;
    id.delete();
    self.value = self.value + value;
}

/// Destroys a coin and takes its value out of the supply.
public fun burn(treasury: &mut Treasury, coin: Gold) {
    let Gold { id, value } = coin;
    id.delete();
    treasury.total_supply = treasury.total_supply - value;
}

public fun value(self: &Gold): u64 {
    self.value
}

public fun total_supply(treasury: &Treasury): u64 {
    treasury.total_supply
}

#[test_only]
/// Runs the module initializer in a test (Sui calls `init` once, at publish).
public fun init_for_testing(ctx: &mut TxContext) {
    init(ctx)
}
