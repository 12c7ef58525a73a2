// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

library Tally {
    function add(uint256[] storage xs, uint256 x) public returns (uint256) {
        xs.push(x);
        return xs.length;
    }
}

contract Child {
    uint256 public seed;

    constructor(uint256 s) {
        seed = s * 3;
    }

    function twice() external view returns (uint256) {
        return seed * 2;
    }
}

contract Factory {
    uint256[] public history;

    function build(uint256 s) external returns (uint256 result) {
        Child a = new Child(s);
        Child b = new Child{salt: bytes32(s)}(s + 1);
        result = a.twice() + b.twice();
        Tally.add(history, result);
        // Code that was not compiled here: runtime code returning 42 (PUSH1 42 PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN).
        address raw;
        bytes memory init = hex"69602a60005260206000f3600052600a6016f3";
        assembly { raw := create(0, add(init, 32), mload(init)) }
        (bool ok, bytes memory out) = raw.call("");
        require(ok && abi.decode(out, (uint256)) == 42, "raw");
        try this.explode() {} catch {}
        result += uint256(sha256(abi.encode(s))) % 10;
    }

    function explode() external pure {
        revert("boom");
    }
}
