// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// Stepping and breakpoint placement (issue 7 items 7-10): a call into a two-statement callee, a
/// short-circuit condition, lines without code (a named return, closing braces) and a condition whose
/// first instruction belongs to a sub-expression.
contract Stepping {
    uint256 public total;
    uint256 public available = 50;

    function run(uint256 a, bool flag) external returns (uint256 result) {
        uint256 c = a + 1;
        uint256 x = double(c);
        result = x + c;
        if (flag && a > 1) {
            total += result;
        }
        total += 1;
        uint256 s = named(a);
        result += s;
        result += withdraw(a);
    }

    function double(uint256 v) internal pure returns (uint256) {
        uint256 d = v * 2;
        return d;
    }

    function named(uint256 v) internal pure returns (uint256 s) {
        s = v + 3;
        return s;
    }

    function withdraw(uint256 amount) internal view returns (uint256) {
        if (amount > available) {
            return 0;
        }
        return amount;
    }
}
