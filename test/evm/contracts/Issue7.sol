// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// Tuple destructuring with empty components, a tuple assignment and unnamed return values.
contract Tuples {
    event Seen(uint256 x, uint256 a, uint256 c, uint256 e, uint256 d, uint256 f);
    event Pair(uint256 x, uint256 named);

    function three() internal pure returns (uint256, uint256, uint256) {
        return (1000, 2000, 3000);
    }

    function pair(uint256 x) internal returns (uint256, uint256 named) {
        named = x * 2;
        emit Pair(x, named);
        return (x, named);
    }

    function run(uint256 x) external returns (uint256) {
        (uint256 a, , uint256 c) = three();
        (, uint256 e) = pair(x);
        uint256 d = 4000;
        (a, , c) = (c, d, a);
        uint256 f = a + e;
        emit Seen(x, a, c, e, d, f);
        return f;
    }
}

/// Fails in the ways try/catch tells apart.
contract Thrower {
    error Custom(uint256 code);

    function f(uint256 x) external pure returns (uint256, uint256) {
        require(x != 1, "one is refused");
        if (x == 2) {
            uint256 zero = 0;
            return (x / zero, 0);
        }
        if (x == 3) revert Custom(x);
        return (x * 10, x * 100);
    }
}

/// try/catch: the success clause's return values and each catch clause's variable.
contract Catcher {
    event Got(uint256 before, uint256 v, uint256 w, uint256 sum);
    event Reason(uint256 before, string reason);
    event Code(uint256 before, uint256 code);
    event Data(uint256 before, bytes data);

    Thrower public thrower = new Thrower();

    function run(uint256 x) external returns (uint256 total) {
        uint256 before = 7;
        try thrower.f(x) returns (uint256 v, uint256 w) {
            uint256 sum = v + w;
            emit Got(before, v, w, sum);
            total = sum;
        } catch Error(string memory reason) {
            emit Reason(before, reason);
        } catch Panic(uint256 code) {
            emit Code(before, code);
        } catch (bytes memory data) {
            emit Data(before, data);
        }
        total += before;
    }
}

/// Small integers at the edges of their ranges, for typed evaluation.
contract Typed {
    event Seen(uint8 a, int8 m, uint16 w);

    function run() external returns (int256) {
        uint8 a = 100;
        int8 m = -128;
        uint16 w = 65535;
        emit Seen(a, m, w);
        return int256(uint256(a)) + m + int256(uint256(w));
    }
}

contract Owned {
    address public immutable owner;

    constructor() {
        owner = msg.sender;
    }
}

/// Immutables (own and inherited), mappings the constructor and set-up calls write, packed, dynamic and
/// transient state.
contract Vault is Owned {
    struct P {
        uint128 x;
        uint128 y;
    }

    event Packed(uint128 x, uint128 y, uint256 length);

    uint256 public immutable created;
    int8 public immutable bias = -5;
    bytes4 public immutable tag;
    mapping(address => uint256) public balances;
    mapping(uint256 => uint256) public byId;
    P public p;
    uint256[] public list;
    string public note = "vault";

    constructor(bytes4 t) {
        created = block.timestamp;
        tag = t;
        balances[msg.sender] = 100;
    }

    function credit(address who, uint256 amount) external {
        balances[who] += amount;
    }

    function packed() external returns (uint256) {
        p.x = 1;
        p.y = 2;
        p.x = 3;
        p.y = 2;
        p.y = 5;
        assembly {
            tstore(0x2a, 99)
        }
        list.push(p.y);
        byId[7] = created + uint256(int256(-bias));
        emit Packed(p.x, p.y, list.length);
        return p.x + p.y + uint256(uint32(tag));
    }
}
