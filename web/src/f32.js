// Float32 maths shared by the encoders (encoder.js for witq and plane codes, bytetable.js for pcaq and pq): every
// product and sum goes through Math.fround in the order bitsieve-core's Vectors uses, so the page's codes and
// tables are Java's bits (a float64 operation on float32 operands rounded once is the correctly rounded float32).

export const f = Math.fround;

/** Java Vectors.dot: four accumulators over groups of four, the tail into the first, then (s0+s1)+(s2+s3). */
export function dot(a, ao, b, bo, n) {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 = f(s0 + f(a[ao + i] * b[bo + i]));
    s1 = f(s1 + f(a[ao + i + 1] * b[bo + i + 1]));
    s2 = f(s2 + f(a[ao + i + 2] * b[bo + i + 2]));
    s3 = f(s3 + f(a[ao + i + 3] * b[bo + i + 3]));
  }
  for (; i < n; i++) {
    s0 = f(s0 + f(a[ao + i] * b[bo + i]));
  }
  return f(f(s0 + s1) + f(s2 + s3));
}

/**
 * Java Vectors.multiply: row j of m (rows x dim, row-major) times x, each sum over the input dimensions in order,
 * every product and add rounded to float32.
 */
export function rowsTimes(m, rows, dim, x) {
  const out = new Float32Array(rows);
  for (let j = 0; j < rows; j++) {
    let s = 0;
    const o = j * dim;
    for (let r = 0; r < dim; r++) {
      s = f(s + f(x[r] * m[o + r]));
    }
    out[j] = s;
  }
  return out;
}

/** The checks every encoder makes on a query vector: its dimension and finite values. */
export function checkQuery(x, dim) {
  if (x.length !== dim) {
    throw new Error(`query vector has dimension ${x.length}, the bundle's encoder expects ${dim}`);
  }
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) {
      throw new Error(`query vector value at index ${i} is not a finite number`);
    }
  }
}
