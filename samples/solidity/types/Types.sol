// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

// Every kind of variable the debugger decodes, each also emitted or returned by the contract itself so tests
// can compare what the debugger shows with what the EVM produced.
contract Types {
    enum Color { Red, Green, Blue }

    struct Item {
        uint64 id;
        string label;
        uint256[] amounts;
    }

    struct Order {
        address owner;
        uint128 amount;
        bool filled;
        Item[] items;
    }

    // Packed into one slot: 1 + 2 + 1 + 20 + 4 + 1 bytes.
    uint8 public small = 7;
    int16 public negative = -300;
    bool public flag = true;
    address public owner;
    bytes4 public tag = 0xdeadbeef;
    Color public color = Color.Blue;

    string public shortText = "short text";
    string public longText = "a long text that takes more than thirty-one bytes of storage";
    bytes public blob = hex"0102030405";
    uint256[3] public fixedList = [uint256(10), 20, 30];
    uint256[] public dynamicList;
    Order[] public orders;
    mapping(address => uint256) public balances;
    mapping(address => mapping(uint256 => uint256)) public allowances;
    uint256[] public big;
    uint256 public counter;
    uint256 transient lock;

    event Values(int256 x, string note, uint256[] xs, Color c, bytes4 t, address who, uint256 total);
    event Stored(uint256 counter, uint256 balance, uint256 allowance, uint128 orderAmount);
    event Packed(bytes packed);

    modifier tagged(uint256 marker) {
        require(marker > 0, "marker must be positive");
        lock = marker;
        _;
        lock = 0;
    }

    constructor() {
        owner = msg.sender;
        dynamicList.push(1);
        dynamicList.push(2);
        assembly {
            sstore(big.slot, 10000)
        }
        big[9999] = 42;
        for (uint256 i = 0; i < 4; i++) {
            Order storage o = orders.push();
            o.owner = msg.sender;
            o.amount = uint128(100 * (i + 1));
            o.items.push(Item({ id: uint64(i), label: "item", amounts: new uint256[](2) }));
        }
    }

    /// Writes state step by step (data breakpoints, step back), then computes over every local kind.
    function run(int256 x, string calldata note, uint256[] calldata xs) external payable tagged(5) returns (uint256 total, Color c) {
        counter = 1;
        balances[msg.sender] = 500;
        allowances[msg.sender][7] = 70;
        counter = 2;
        Order storage order = orders[3];
        order.amount += 1;
        bytes4 t = tag;
        c = color;
        string memory longLocal = string.concat(note, " and more text to make it long");
        Item[] memory items = new Item[](2);
        items[0] = Item({ id: 11, label: "first", amounts: xs });
        items[1] = Item({ id: 12, label: longLocal, amounts: new uint256[](1) });
        total = sum(items, x);
        emit Values(x, note, xs, c, t, msg.sender, total);
        emit Stored(counter, balances[msg.sender], allowances[msg.sender][7], order.amount);
        counter = 3;
    }

    function sum(Item[] memory items, int256 bias) internal returns (uint256 acc) {
        bytes memory packed = abi.encodePacked(items[0].id, small, bias);
        for (uint256 i = 0; i < items.length; i++) {
            acc += items[i].id;
            for (uint256 j = 0; j < items[i].amounts.length; j++) {
                acc += items[i].amounts[j];
            }
        }
        if (bias < 0) acc += uint256(-bias);
        emit Packed(packed);
    }
}
