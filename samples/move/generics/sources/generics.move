/// A package with no dependencies, built by Chainstep's own Move compiler when you launch it:
/// a generic struct and function, vectors, a loop and an `assert!` with an `#[error]` constant.
module generics::generics;

/// Two values of one type.
public struct Pair<T: copy + drop> has copy, drop {
    first: T,
    second: T,
}

#[error]
const ETotalTooLarge: vector<u8> = b"The total is larger than the limit";

/// The generic function: builds a Pair of any copyable type.
public fun make_pair<T: copy + drop>(first: T, second: T): Pair<T> {
    Pair { first, second }
}

/// Sums the first `count` values of `values` (a loop over a vector).
public fun sum(values: &vector<u64>, count: u64): u64 {
    let mut total = 0;
    let mut i = 0;
    while (i < count) {
        total = total + values[i];
        i = i + 1;
    };
    total
}

/// Sums a pair of totals and aborts with ETotalTooLarge when the result exceeds `limit`.
public fun checked_total(limit: u64): u64 {
    let values = vector[10, 20, 30, 40];
    let pair = make_pair(sum(&values, 2), sum(&values, 4));
    let total = pair.first + pair.second;
    assert!(total <= limit, ETotalTooLarge);
    total
}

/// Within the limit: returns 130 (30 + 100).
public fun within_limit(): u64 {
    checked_total(200)
}

/// Over the limit: aborts with ETotalTooLarge (130 > 100).
public fun over_limit(): u64 {
    checked_total(100)
}

#[test]
fun test_within_limit() {
    let flags = make_pair(true, false);
    assert!(flags.first && !flags.second, 0);
    assert!(within_limit() == 130, 1);
}

/// A shape: an enum whose variants carry named or positional fields, or none.
public enum Shape has copy, drop {
    Circle { radius: u64 },
    Rectangle { width: u64, height: u64 },
    Segment(u64),
    Empty,
}

/// The area (pi taken as 3) by `match`: each arm binds the variant's fields by name.
public fun area(shape: &Shape): u64 {
    match (shape) {
        Shape::Circle { radius } => 3 * *radius * *radius,
        Shape::Rectangle { width, height } if (*width == *height) => *width * *width,
        Shape::Rectangle { width, height } => *width * *height,
        Shape::Segment(_) | Shape::Empty => 0,
    }
}

/// Adds up the areas of the first `count` shapes, up to the first `Empty` one (a labelled loop left
/// with `break 'scan`).
public fun total_area(shapes: &vector<Shape>, count: u64): u64 {
    let mut total = 0;
    let mut i = 0;
    'scan: while (i < count) {
        let shape = shapes[i];
        if (shape == Shape::Empty) break 'scan;
        total = total + area(&shape);
        i = i + 1;
    };
    total
}

/// 12 (circle of radius 2) + 12 (3 x 4) + 0 (segment); the circle after `Empty` is not counted.
public fun shapes_area(): u64 {
    let shapes = vector[
        Shape::Circle { radius: 2 },
        Shape::Rectangle { width: 3, height: 4 },
        Shape::Segment(5),
        Shape::Empty,
        Shape::Circle { radius: 10 },
    ];
    total_area(&shapes, 5)
}

#[test]
fun test_shapes() {
    assert!(shapes_area() == 24, 2);
    assert!(area(&Shape::Rectangle { width: 5, height: 5 }) == 25, 3);
}
