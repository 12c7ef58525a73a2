// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// Each launch-time call is its own transaction: storage a set-up call touched is cold again in the
/// debugged call (EIP-2929), so gas matches what the call would cost on a chain.
contract Warm {
    uint256 public x;

    function write(uint256 v) external {
        x = v;
    }

    function read() external view returns (uint256) {
        return x;
    }
}
