// SPDX-License-Identifier: MIT
pragma solidity >=0.6.0 <0.7.0;

// Written for solc 0.6 (try/catch, `override`, `virtual`); a caller and a callee.
contract Meter06 {
    uint256 public reading;

    function bump(uint256 by) external virtual returns (uint256) {
        require(by < 1000, "too much");
        reading += by;
        return reading;
    }
}

contract Ledger06 {
    Meter06 public meter;
    uint256 public failures;
    int64 public last;

    constructor() public {
        meter = new Meter06();
    }

    function record(uint256 by) public returns (bool ok) {
        try meter.bump(by) returns (uint256 now_) {
            last = int64(now_);
            ok = true;
        } catch Error(string memory) {
            failures += 1;
            last = -1;
        }
    }
}
