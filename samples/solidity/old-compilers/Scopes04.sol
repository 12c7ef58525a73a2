pragma solidity ^0.4.24;

// solc 0.4 reserved every local of a function on the stack when the function began, in declaration order
// (nested blocks and `var (x, , z)` included, empty components taking no slot), after its return variables
// and before any modifier's arguments and locals; nothing was freed before the return. Each `Seen` event
// reports the values the code itself reads at that point.
contract Scopes04 {
    uint256 public last;

    event Seen(uint256 a, uint256 b, uint256 x, uint256 z, uint256 n);
    event Counted(uint256 before, uint256 by);

    modifier counted(uint256 by) {
        uint256 before = last;
        _;
        emit Counted(before, by);
        last = before + by;
    }

    function triple(uint256 v) internal pure returns (uint256, uint256, uint256) {
        return (v + 1, v + 2, v + 3);
    }

    function run(uint256 v) public counted(5) returns (uint256 total) {
        {
            uint256 a = v * 2;
            emit Seen(a, 0, 0, 0, 0);
        }
        uint256 b = v + 7;
        var (x, , z) = triple(b);
        for (uint256 n = 0; n < 3; n++) {
            total += n;
        }
        emit Seen(a, b, x, z, n);
        total += a + b + x + z;
    }
}
