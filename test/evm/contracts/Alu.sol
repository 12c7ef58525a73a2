// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// Exercises every arithmetic, comparison, bit and memory opcode whose results replay recomputes.
contract Alu {
    function mix(int256 x, uint256 y, bytes calldata data) external pure returns (bytes32 r) {
        unchecked {
            int256 s = x / -3 + x % 7 - (x >> 2);
            uint256 u = (y ** 5) + addmod(y, 7, 13) + mulmod(y, y, 11) + (y << 3) + (y >> 1);
            int8 small = int8(int256(y));
            uint256 b = uint256(uint8(bytes32(y)[30]));
            bool lt = s < int256(u) && x > -5 && y != 0;
            uint256 m;
            assembly {
                m := add(signextend(0, y), sar(4, x))
                m := xor(m, not(byte(31, y)))
                m := add(m, add(sdiv(x, 0), smod(x, 0)))
                m := add(m, add(div(y, 0), mod(y, 0)))
                m := add(m, add(calldatasize(), codesize()))
                m := add(m, mload(0x40))
                m := add(m, calldataload(sub(calldatasize(), 5)))
                m := add(m, slt(x, 3))
                m := add(m, sgt(x, 3))
            }
            r = keccak256(abi.encode(s, u, small, b, lt, m, data.length > 0 ? data[0] : bytes1(0)));
        }
    }
}
