// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

library MathLib {
    function double(uint256 x) internal pure returns (uint256) {
        return x * 2;
    }
}

contract Counter {
    uint256 public count;
    event Bumped(address indexed by, uint256 amount);

    function bump(uint256 amount) external returns (uint256) {
        uint256 before = count;
        count = before + amount;
        emit Bumped(msg.sender, amount);
        return count;
    }
}

contract Caller {
    Counter public counter;
    mapping(address => uint256) public totals;
    address owner;

    error NotEnough(uint256 requested, uint256 available);

    constructor() {
        counter = new Counter();
        owner = msg.sender;
    }

    modifier onlyOwner() {
        require(msg.sender == owner, "not owner");
        _;
    }

    function helper(uint256 a) internal pure returns (uint256) {
        uint256 b = MathLib.double(a);
        return b + 1;
    }

    function run(uint256 n) external onlyOwner returns (uint256 total) {
        for (uint256 i = 0; i < n; i++) {
            total += helper(i);
        }
        totals[msg.sender] = total;
        counter.bump(total);
    }

    function fail(uint256 amount) external view returns (uint256) {
        uint256 available = totals[msg.sender];
        if (amount > available) revert NotEnough(amount, available);
        return available - amount;
    }

    function overflow(uint8 x) external pure returns (uint8) {
        return x + 250;
    }

    function burn() external pure {
        while (true) {}
    }
}
