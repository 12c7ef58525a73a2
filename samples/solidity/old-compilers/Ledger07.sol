// SPDX-License-Identifier: MIT
pragma solidity ^0.7.0;

// Written for solc 0.7 (no `public` constructors, `type(T).max`, checked with SafeMath-free arithmetic still
// wrapping in 0.7); an enum and a fixed array.
contract Ledger07 {
    enum Phase { Open, Closing, Closed }

    Phase public phase;
    uint16[3] public slots;
    bytes32 public tag;
    uint256 public wrapped;

    function step(uint16 value) public returns (Phase) {
        uint256 index = uint256(phase);
        slots[index] = value;
        tag = keccak256(abi.encodePacked(value));
        wrapped = type(uint256).max + value;
        phase = Phase(index + 1);
        return phase;
    }
}
