// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

library MathLib {
    /// `value`, or `limit` when it is larger.
    function clamp(uint256 value, uint256 limit) internal pure returns (uint256) {
        return value > limit ? limit : value;
    }
}
