// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

contract Undo {
    uint256 public value = 1;

    function setAndFail(uint256 v) external {
        value = v;
        revert("undone");
    }

    function attempt(uint256 v) external returns (uint256) {
        try this.setAndFail(v) {} catch {}
        value += 10;
        return value;
    }
}
