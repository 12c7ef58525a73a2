// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

contract Guarded {
    uint256 public limit = 100;

    modifier below(uint256 max) {
        uint256 margin = max / 10;
        require(limit + margin > max, "over");
        _;
    }

    modifier plain() {
        _;
    }

    function spend(uint256 amount) external view below(amount * 2) plain returns (uint256 left) {
        uint256 doubled = amount * 2;
        uint256 rest = limit - doubled;
        left = rest + 1;
    }
}
