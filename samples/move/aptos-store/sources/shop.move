/// A shop in Aptos style: its stock lives in global storage under the owner's account, and every
/// purchase leaves a receipt under the buyer's. Framework-free, so it builds without the Aptos
/// framework (a shop is named by its owner's address instead of `signer::address_of`).
module store::shop {
    /// The shop, published under its owner's account by `open`.
    struct Shop has key {
        price: u64,
        stock: u64,
        sales: u64,
    }

    /// What a buyer bought, kept under the buyer's account.
    struct Receipt has key, drop {
        shop: address,
        quantity: u64,
        paid: u64,
    }

    /// No shop is published at this address.
    const ENO_SHOP: u64 = 1;
    /// Not enough stock left for the order.
    const EOUT_OF_STOCK: u64 = 2;

    /// Publishes a shop under `owner`'s account.
    public entry fun open(owner: &signer, price: u64, stock: u64) {
        move_to(owner, Shop { price, stock, sales: 0 });
    }

    /// Buys `quantity` units from the shop at `shop`, and records a receipt under the buyer.
    public entry fun buy(buyer: &signer, shop: address, quantity: u64) acquires Shop {
        assert!(exists<Shop>(shop), ENO_SHOP);
        let s = borrow_global_mut<Shop>(shop);
        assert!(s.stock >= quantity, EOUT_OF_STOCK);
        s.stock = s.stock - quantity;
        let paid = s.price * quantity;
        s.sales = s.sales + paid;
        move_to(buyer, Receipt { shop, quantity, paid });
    }

    /// Units left in the shop at `shop`.
    public fun stock_of(shop: address): u64 acquires Shop {
        borrow_global<Shop>(shop).stock
    }

    /// Closes the shop at `shop`: takes it out of global storage and returns its takings.
    public fun close(shop: address): u64 acquires Shop {
        let Shop { price: _, stock: _, sales } = move_from<Shop>(shop);
        sales
    }

    #[test(owner = @0xcafe, buyer = @0xb0b)]
    fun buy_two(owner: signer, buyer: signer) acquires Shop {
        open(&owner, 3, 10);
        buy(&buyer, @0xcafe, 2);
        assert!(stock_of(@0xcafe) == 8, 100);
        assert!(close(@0xcafe) == 6, 101);
    }

    #[test(owner = @0xcafe, buyer = @0xb0b)]
    #[expected_failure(abort_code = EOUT_OF_STOCK)]
    fun buy_too_many(owner: signer, buyer: signer) acquires Shop {
        open(&owner, 3, 10);
        buy(&buyer, @0xcafe, 11);
    }
}
