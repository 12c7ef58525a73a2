// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// An ether vault with a withdrawal fee. It has a bug: see test_WithdrawAll.
contract Vault {
    address public immutable owner;
    mapping(address => uint256) public balanceOf;
    uint256 public totalDeposits;
    uint256 public feesCollected;

    error NotOwner(address caller);
    error InsufficientBalance(uint256 requested, uint256 available);

    event Deposited(address indexed who, uint256 amount);
    event Withdrawn(address indexed who, uint256 amount, uint256 fee);

    constructor() {
        owner = msg.sender;
    }

    function deposit() external payable {
        balanceOf[msg.sender] += msg.value;
        totalDeposits += msg.value;
        emit Deposited(msg.sender, msg.value);
    }

    function feeFor(uint256 amount) public pure returns (uint256) {
        return amount / 100;
    }

    function withdraw(uint256 amount) external {
        uint256 available = balanceOf[msg.sender];
        if (amount > available) revert InsufficientBalance(amount, available);
        uint256 fee = feeFor(amount);
        balanceOf[msg.sender] = available - amount;
        // Bug: the fee is taken out of the deposits a second time.
        totalDeposits -= amount + fee;
        feesCollected += fee;
        (bool ok,) = msg.sender.call{value: amount - fee}("");
        require(ok, "transfer failed");
        emit Withdrawn(msg.sender, amount, fee);
    }

    function collectFees(address to) external {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        uint256 amount = feesCollected;
        feesCollected = 0;
        (bool ok,) = to.call{value: amount}("");
        require(ok, "transfer failed");
    }
}
