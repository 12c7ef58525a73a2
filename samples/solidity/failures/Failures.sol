// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

// One function per way a transaction fails, and a three-contract chain (Failures -> Middle -> Bottom) whose
// innermost revert bubbles up through both external calls.
error InsufficientBalance(uint256 requested, uint256 available);

contract Bottom {
    uint256 public reserve = 5;

    function take(uint256 amount) external view returns (uint256) {
        if (amount > reserve) {
            revert InsufficientBalance(amount, reserve);
        }
        return reserve - amount;
    }
}

contract Middle {
    Bottom public immutable bottom = new Bottom();

    function forward(uint256 amount) external view returns (uint256) {
        uint256 left = bottom.take(amount);
        return left;
    }
}

contract Failures {
    Middle public immutable middle = new Middle();
    uint256[] public list;
    uint256 public spent;

    constructor() {
        list.push(1);
        list.push(2);
    }

    function requireMessage(uint256 amount) external pure returns (uint256) {
        require(amount <= 10, "amount too large");
        return amount;
    }

    function customError(uint256 amount) external pure returns (uint256) {
        uint256 available = 5;
        if (amount > available) revert InsufficientBalance(amount, available);
        return available - amount;
    }

    function overflow(uint8 a) external pure returns (uint8) {
        uint8 b = a + 200;
        return b;
    }

    function divide(uint256 a, uint256 b) external pure returns (uint256) {
        uint256 q = a / b;
        return q;
    }

    function outOfBounds(uint256 i) external view returns (uint256) {
        uint256 v = list[i];
        return v;
    }

    function burn(uint256 rounds) external returns (uint256) {
        for (uint256 i = 0; i < rounds; i++) {
            spent += i;
        }
        return spent;
    }

    function chain(uint256 amount) external view returns (uint256) {
        uint256 left = middle.forward(amount);
        return left;
    }

    /// The same failing chain, caught: the call succeeds and only the "caught" filter stops at the revert.
    function tryChain(uint256 amount) external view returns (uint256 left, bool failed) {
        try middle.forward(amount) returns (uint256 l) {
            left = l;
        } catch {
            failed = true;
        }
    }
}
