pragma solidity =0.5.16;

import '@uniswap/v2-core/contracts/UniswapV2Pair.sol';
import '@uniswap/v2-core/contracts/test/ERC20.sol';

// Stands in for the factory: the pair's `factory` is its creator, and mint asks it for `feeTo`.
contract SwapHarness {
    UniswapV2Pair public pair;
    ERC20 public token0;
    ERC20 public token1;

    function feeTo() external pure returns (address) {
        return address(0);
    }

    function init() external {
        ERC20 a = new ERC20(10**24);
        ERC20 b = new ERC20(10**24);
        (token0, token1) = address(a) < address(b) ? (a, b) : (b, a);
        pair = new UniswapV2Pair();
        pair.initialize(address(token0), address(token1));
        token0.transfer(address(pair), 1000 * 10**18);
        token1.transfer(address(pair), 4000 * 10**18);
        pair.mint(address(this));
    }

    function swap(uint amountIn, uint amountOut) external {
        token0.transfer(address(pair), amountIn);
        pair.swap(0, amountOut, address(this), '');
    }
}
