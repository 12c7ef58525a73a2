// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Every kind of gas the hover breakdown names, once or twice, in one call (test/session/dap-gas-breakdown.test.ts).
contract Sink {
    uint256 public hits;

    function hit() external payable {
        hits += 1;
    }
}

contract GasKinds {
    uint256 public a;
    uint256 public b = 7;
    Sink public sink;

    event Noted(address indexed who, uint256 value, bytes data);

    constructor() {
        sink = new Sink();
    }

    function work(address fresh) external payable returns (bytes32) {
        uint256 x = b;
        x += b;
        a = x;
        b = x + 1;
        a = x;
        bytes memory big = new bytes(1000);
        bytes32 h = keccak256(big);
        emit Noted(msg.sender, x, big);
        sink.hit{value: 1}();
        sink.hit();
        payable(fresh).transfer(1);
        new Sink();
        return h;
    }
}
