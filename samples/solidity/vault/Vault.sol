// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// Holds ether per depositor. Withdrawing more than your balance reverts with a custom error.
contract Vault {
    error InsufficientBalance(uint256 requested, uint256 available);
    error DepositTooLarge(uint256 amount, uint256 maxDeposit);

    uint256 public immutable maxDeposit;
    mapping(address => uint256) public balances;
    uint256 public totalDeposits;

    event Deposited(address indexed who, uint256 amount);
    event Withdrawn(address indexed who, uint256 amount);

    constructor(uint256 maxDeposit_) {
        maxDeposit = maxDeposit_;
    }

    function deposit() external payable {
        require(msg.value > 0, "nothing to deposit");
        if (msg.value > maxDeposit) revert DepositTooLarge(msg.value, maxDeposit);
        balances[msg.sender] += msg.value;
        totalDeposits += msg.value;
        emit Deposited(msg.sender, msg.value);
    }

    function withdraw(uint256 amount) external {
        uint256 available = balances[msg.sender];
        if (amount > available) {
            revert InsufficientBalance(amount, available);
        }
        balances[msg.sender] = available - amount;
        totalDeposits -= amount;
        (bool ok, ) = msg.sender.call{value: amount}("");
        require(ok, "transfer failed");
        emit Withdrawn(msg.sender, amount);
    }
}
