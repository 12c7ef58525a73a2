// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// The benchmark workload: a long loop reading and writing a mapping (about 170 steps per iteration).
contract Loop {
    mapping(uint256 => uint256) public values;

    function loop(uint256 n) external returns (uint256 sum) {
        for (uint256 i = 0; i < n; i++) {
            values[i % 64] = values[i % 64] + i;
            sum += values[i % 64];
        }
    }
}
