// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

interface INotified {
    function notify(uint256 value) external;
}

/// Multiplies by a factor fixed at deployment and reports the result back to its caller.
contract Callee {
    uint256 public factor;

    constructor(uint256 factor_) {
        factor = factor_;
    }

    function scale(uint256 value) external returns (uint256 result) {
        result = value * factor;
        INotified(msg.sender).notify(result);
    }
}
