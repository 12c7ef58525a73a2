pragma solidity =0.5.16;

// Written for solc 0.5 (explicit data locations, `address payable`); its pragma pins one release.
contract Ledger05 {
    struct Entry {
        uint128 amount;
        bool settled;
    }

    address payable public owner;
    uint256 public total;
    Entry[] public entries;
    string public label;

    constructor(string memory name) public {
        owner = msg.sender;
        label = name;
    }

    function add(uint128 amount, bool settled) public returns (uint256 count) {
        uint256 before = entries.length;
        entries.push(Entry(amount, settled));
        total += amount;
        count = before + 1;
    }
}
