// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// Benchmark and paging workloads: many mapping keys (every variables request used to walk all recorded
/// key preimages) and a large memory (the Memory scope used to be one row per word, unpaged).
contract Big {
    mapping(uint256 => uint256) public values;

    function fill(uint256 n) external returns (uint256 last) {
        for (uint256 i = 0; i < n; ) {
            values[i] = i + 1;
            unchecked { ++i; }
        }
        last = values[n - 1];
    }

    function grow(uint256 size) external pure returns (uint256 length) {
        bytes memory data = new bytes(size);
        data[size - 1] = 0x01;
        length = data.length;
    }
}
