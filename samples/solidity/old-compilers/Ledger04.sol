pragma solidity ^0.4.24;

// Written for solc 0.4 (constructor named after the contract, `var`-free 0.4.24+ style, no emit-less events).
contract Ledger04 {
    address public owner;
    uint256 public total;
    mapping(address => uint256) public balances;
    uint8 public entries;

    event Credited(address who, uint256 amount);

    constructor() public {
        owner = msg.sender;
    }

    function credit(address who, uint256 amount) public returns (uint256) {
        uint256 doubled = twice(amount);
        balances[who] += doubled;
        total += doubled;
        entries += 1;
        emit Credited(who, doubled);
        return balances[who];
    }

    function twice(uint256 value) internal pure returns (uint256) {
        uint256 result = value * 2;
        return result;
    }
}
