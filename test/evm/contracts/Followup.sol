// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// Scoping of locals, number formats, evaluate globals and mapping keys over time.
contract Scopes {
    enum Color { Red, Green }

    mapping(address => uint256) public balances;
    uint256 public total;

    function scoped(uint256 amount) external returns (uint256 result) {
        uint256 early = amount + 1;
        {
            uint256 inner = early * 2;
            result = inner;
        }
        uint256 late;
        late = result + 1;
        total = late;
        return late;
    }

    function paint(Color c, uint256 amount) external returns (uint256) {
        uint256 stamp = block.number + block.timestamp;
        total = stamp + amount + uint256(c);
        return total;
    }

    function credit(address a, address b) external {
        balances[a] = 1;
        balances[b] = 2;
        total = 3;
    }
}

/// Never deployed by the tests: its lines are breakable all the same.
contract Unused {
    uint256 public x;

    function set(uint256 v) external {
        x = v;
    }
}

contract Inner {
    error TooBig(uint256 value, uint256 limit);

    function check(uint256 value) external pure returns (uint256) {
        if (value > 10) revert TooBig(value, 10);
        return value;
    }
}

contract Middle {
    Inner public inner = new Inner();

    function forward(uint256 value) external view returns (uint256) {
        return inner.check(value) + 1;
    }
}

/// A revert bubbling through two external calls, caught or not; out of gas; an invalid instruction.
contract Outer {
    Middle public middle = new Middle();
    bool public handled;

    function bubble(uint256 value) external view returns (uint256) {
        return middle.forward(value);
    }

    function tryCatch(uint256 value) external returns (uint256) {
        try middle.forward(value) returns (uint256 r) {
            return r;
        } catch {
            handled = true;
            return 0;
        }
    }

    function lowLevel(uint256 value) external returns (bool ok) {
        (ok, ) = address(middle).call(abi.encodeCall(Middle.forward, (value)));
        handled = !ok;
    }

    function lowLevelThenRequire(uint256 value) external returns (bool ok) {
        (ok, ) = address(middle).call(abi.encodeCall(Middle.forward, (value)));
        require(ok, "forward failed");
    }

    function spin(uint256 n) external returns (uint256 acc) {
        // Unchecked: no overflow helper, so gas runs out on one of these lines.
        unchecked {
            for (uint256 i = 0; i < n; ++i) {
                acc += i;
            }
        }
        handled = acc > 0;
    }

    function bad() external pure returns (uint256) {
        uint256 x = 1;
        assembly {
            invalid()
        }
        return x;
    }
}
