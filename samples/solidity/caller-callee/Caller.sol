// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {Callee} from "./Callee.sol";
import {MathLib} from "./MathLib.sol";

/// Sums squares in a loop (internal functions), has a Callee scale the sum (an external call, which calls
/// back into this contract), and clamps the result with a library.
contract Caller {
    Callee public callee;
    address public owner;
    uint256 public lastResult;
    uint256 public callbacks;

    modifier onlyOwner() {
        require(msg.sender == owner, "not the owner");
        _;
    }

    constructor(uint256 factor) {
        owner = msg.sender;
        callee = new Callee(factor);
    }

    function run(uint256 n) external onlyOwner returns (uint256) {
        uint256 total = sumOfSquares(n);
        uint256 scaled = callee.scale(total);
        lastResult = MathLib.clamp(scaled, 1000);
        return lastResult;
    }

    function sumOfSquares(uint256 n) internal pure returns (uint256 sum) {
        for (uint256 i = 1; i <= n; i++) {
            sum += square(i);
        }
    }

    function square(uint256 x) internal pure returns (uint256) {
        return x * x;
    }

    /// Called back by the Callee while it scales.
    function notify(uint256 value) external {
        callbacks += 1;
        lastResult = value;
    }
}
