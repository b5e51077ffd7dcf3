'use strict';
// Python's operators on mx.array, in JS: `node examples/operators.js`
// JS cannot overload `+`, `<`, `@`, so every Python operator is a method under its Python name
// (a.__add__(b)), and the common ones also under the mx function's name (a.add(b)). Each line
// says the Python it stands for. `a + b` itself throws a TypeError instead of making a string.
const mx = require('..').core;

const a = mx.array([[1, 2, 3], [4, 5, 6]], mx.int32);
const b = mx.array([10, 20, 30], mx.int32);
const f = mx.array([0.5, 1.5, 2.5], mx.float32);
const show = (label, x) => console.log(label.padEnd(28), typeof x === 'object' && x !== null && 'dtype' in x ? String(x).replace(/\n\s*/g, ' ') : x);

// Arithmetic: array with array (broadcasting), array with a JS scalar (weak: keeps int32).
show('a.__add__(b)', a.__add__(b));            // a + b
show('a.add(b)', a.add(b));                    // a + b (mx.add(a, b))
show('a.__radd__(1)', a.__radd__(1));          // 1 + a
show('a.__sub__(1)', a.__sub__(1));            // a - 1
show('a.subtract(1)', a.subtract(1));          // a - 1
show('a.__rsub__(10)', a.__rsub__(10));        // 10 - a
show('a.__mul__(2)', a.__mul__(2));            // a * 2
show('a.multiply(1.5)', a.multiply(1.5));      // a * 1.5 (a float scalar: float32)
show('a.__rmul__(3)', a.__rmul__(3));          // 3 * a
show('a.__truediv__(2)', a.__truediv__(2));    // a / 2 (float32)
show('a.divide(2)', a.divide(2));              // a / 2
show('a.__rtruediv__(12)', a.__rtruediv__(12));  // 12 / a
show('a.__div__(4)', a.__div__(4));            // a.__div__(4) (Python 2's name, kept by MLX)
show('a.__rdiv__(4)', a.__rdiv__(4));          // a.__rdiv__(4), i.e. 4 / a
show('a.__floordiv__(4)', a.__floordiv__(4));  // a // 4
show('a.floor_divide(-4)', a.floor_divide(-4));  // a // -4 (floors: -1 // 4 == -1)
show('a.__rfloordiv__(7)', a.__rfloordiv__(7));  // 7 // a
show('a.__mod__(4)', a.__mod__(4));            // a % 4
show('a.remainder(-4)', a.remainder(-4));      // a % -4 (the divisor's sign)
show('a.__rmod__(7)', a.__rmod__(7));          // 7 % a
show('a.__pow__(2)', a.__pow__(2));            // a ** 2
show('a.power(2)', a.power(2));                // a ** 2
show('a.__rpow__(2)', a.__rpow__(2));          // 2 ** a
const af = a.astype(mx.float32);               // matmul takes floating-point arrays
show('af.__matmul__(...)', af.__matmul__(mx.array([[1], [0], [1]], mx.float32)));  // af @ [[1], [0], [1]]
show('af.matmul(...)', af.matmul(mx.ones([3, 1])));  // af @ ones((3, 1))

// Comparisons are elementwise and give bool arrays.
show('a.__eq__(2)', a.__eq__(2));              // a == 2
show('a.equal(2)', a.equal(2));                // a == 2
show('a.__ne__(2)', a.__ne__(2));              // a != 2
show('a.not_equal(2)', a.not_equal(2));        // a != 2
show('a.__lt__(3)', a.__lt__(3));              // a < 3
show('a.less(3)', a.less(3));                  // a < 3
show('a.__le__(3)', a.__le__(3));              // a <= 3
show('a.less_equal(3)', a.less_equal(3));      // a <= 3
show('a.__gt__(3)', a.__gt__(3));              // a > 3
show('a.greater(3)', a.greater(3));            // a > 3
show('a.__ge__(3)', a.__ge__(3));              // a >= 3
show('a.greater_equal(3)', a.greater_equal(3));  // a >= 3
show("a.__eq__('text')", a.__eq__('text'));    // a == 'text' -> False (not array-like)
show("a.__ne__(null)", a.__ne__(null));        // a != None -> True

// Bitwise and shifts (integer and bool arrays; floats are refused, as in Python).
show('a.__and__(3)', a.__and__(3));            // a & 3
show('a.bitwise_and(3)', a.bitwise_and(3));    // a & 3
show('a.__or__(8)', a.__or__(8));              // a | 8
show('a.bitwise_or(8)', a.bitwise_or(8));      // a | 8
show('a.__xor__(1)', a.__xor__(1));            // a ^ 1
show('a.bitwise_xor(1)', a.bitwise_xor(1));    // a ^ 1
show('a.__lshift__(2)', a.__lshift__(2));      // a << 2
show('a.left_shift(2)', a.left_shift(2));      // a << 2
show('a.__rshift__(1)', a.__rshift__(1));      // a >> 1
show('a.right_shift(1)', a.right_shift(1));    // a >> 1

// Unary operators.
show('a.__neg__()', a.__neg__());              // -a
show('a.negative()', a.negative());            // -a
show('f.__abs__()', f.__neg__().__abs__());    // abs(-f)
show('a.abs()', a.negative().abs());           // abs(-a)
show('a.__invert__()', a.__invert__());        // ~a
show('a.bitwise_invert()', a.bitwise_invert());  // ~a
show('a.__gt__(2).__invert__()', a.__gt__(2).__invert__());  // ~(a > 2): logical not for bool
show('a.__gt__(2).logical_not()', a.__gt__(2).logical_not());  // mx.logical_not(a > 2)

// In-place forms rebind the same object (like Python's `x += 1`); results taken earlier keep
// their values.
const x = mx.array([1, 2, 3], mx.int32);
const before = x.__mul__(1);                   // before = x * 1
x.__iadd__(10);                                // x += 10
show('x after x += 10', x);
show('before (unchanged)', before);
x.__isub__(1);                                 // x -= 1
x.__imul__(2);                                 // x *= 2
x.__ifloordiv__(3);                            // x //= 3
x.__imod__(5);                                 // x %= 5
x.__ipow__(2);                                 // x **= 2
x.__iand__(7);                                 // x &= 7
x.__ior__(8);                                  // x |= 8
x.__ixor__(1);                                 // x ^= 1
x.__ilshift__(1);                              // x <<= 1
x.__irshift__(2);                              // x >>= 2
show('x after the chain', x);
const y = mx.array([2, 4], mx.float32);
y.__itruediv__(4);                             // y /= 4 (only for inexact dtypes)
show('y after y /= 4', y);
const m = mx.array([[1, 0], [0, 1]], mx.float32);
m.__imatmul__(mx.array([[1, 2], [3, 4]], mx.float32));  // m @= [[1, 2], [3, 4]]
show('m after m @= ...', m);
show('x.add(1, {stream: mx.cpu})', x.add(1, { stream: mx.cpu }));  // mx.add(x, 1, stream=mx.cpu)

// Conversions and protocols.
const s = mx.array(2.5);
show('s.__float__()', s.__float__());          // float(s)
show('+s', +s);                                // float(s): size-1 arrays give their number
show('s.__int__()', s.__int__());              // int(s)
show('s.__bool__()', s.__bool__());            // bool(s)  (`if (s)` is always true in JS)
show('s.__complex__()', s.__complex__());      // complex(s) -> {re, im}
show("s.__format__('.3f')", s.__format__('.3f'));  // f'{s:.3f}'
show('a.__len__()', a.__len__());              // len(a)
show('String(a)', String(a).replace(/\n\s*/g, ' '));  // str(a) / repr(a)
for (const row of a) show('for (const row of a)', row);  // for row in a:
show('[...b].length', [...b].length);          // len(list(b))
show('a.__copy__()', a.__copy__());            // copy.copy(a)
show('a.item() of a[0, 0]', a.__iter__().next().value.__iter__().next().value.item());  // a[0, 0].item()
show('a.tolist()', JSON.stringify(a.tolist()));  // a.tolist()
try {
  show('a + b', a + b);                        // a + b: no JS operator overloading
} catch (e) {
  show('a + b throws', e.constructor.name);
}
