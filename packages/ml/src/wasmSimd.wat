;; SIMD loops for the fused tfjs-wasm inference kernels (wasmKernels.ts). The module imports tfjs-wasm's own
;; memory and works in place on tensors there: every pointer is a byte offset into that heap, every length a
;; count of float32 elements. It owns no memory, no data, no stack and no globals, so it cannot disturb the
;; heap beyond the outputs it is given. Callers guarantee the multiples of 4 noted on each function.
;; Rebuild the embedded binary after editing: npx tsx packages/ml/scripts/buildWasmSimd.ts
(module
  (import "env" "memory" (memory 0))

  ;; ((l0 + l1) + l2) + l3
  (func $hsum (param $v v128) (result f32)
    (f32.add
      (f32.add
        (f32.add (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v)))
        (f32x4.extract_lane 2 (local.get $v)))
      (f32x4.extract_lane 3 (local.get $v))))

  ;; Layer norm of `rows` rows of `d` floats (d % 4 == 0), two passes in float32 like the op chain:
  ;; y = (x - mean) * (1 / sqrt(mean((x - mean)^2) + eps)) * g + b.
  (func (export "layer_norm")
    (param $x i32) (param $y i32) (param $g i32) (param $b i32) (param $rows i32) (param $d i32) (param $eps f32)
    (local $r i32) (local $i i32) (local $rowBytes i32) (local $dF f32)
    (local $acc v128) (local $c v128) (local $vm v128) (local $vinv v128)
    (local.set $rowBytes (i32.shl (local.get $d) (i32.const 2)))
    (local.set $dF (f32.convert_i32_u (local.get $d)))
    (block $rowsDone
      (loop $row
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        ;; mean
        (local.set $acc (v128.const f32x4 0 0 0 0))
        (local.set $i (i32.const 0))
        (block $sumDone
          (loop $sum
            (br_if $sumDone (i32.ge_u (local.get $i) (local.get $rowBytes)))
            (local.set $acc (f32x4.add (local.get $acc) (v128.load (i32.add (local.get $x) (local.get $i)))))
            (local.set $i (i32.add (local.get $i) (i32.const 16)))
            (br $sum)))
        (local.set $vm (f32x4.splat (f32.div (call $hsum (local.get $acc)) (local.get $dF))))
        ;; variance of the centred values
        (local.set $acc (v128.const f32x4 0 0 0 0))
        (local.set $i (i32.const 0))
        (block $varDone
          (loop $var
            (br_if $varDone (i32.ge_u (local.get $i) (local.get $rowBytes)))
            (local.set $c (f32x4.sub (v128.load (i32.add (local.get $x) (local.get $i))) (local.get $vm)))
            (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (local.get $c) (local.get $c))))
            (local.set $i (i32.add (local.get $i) (i32.const 16)))
            (br $var)))
        (local.set $vinv
          (f32x4.splat
            (f32.div (f32.const 1)
              (f32.sqrt (f32.add (f32.div (call $hsum (local.get $acc)) (local.get $dF)) (local.get $eps))))))
        ;; scale and shift
        (local.set $i (i32.const 0))
        (block $outDone
          (loop $out
            (br_if $outDone (i32.ge_u (local.get $i) (local.get $rowBytes)))
            (v128.store (i32.add (local.get $y) (local.get $i))
              (f32x4.add
                (f32x4.mul
                  (f32x4.mul
                    (f32x4.sub (v128.load (i32.add (local.get $x) (local.get $i))) (local.get $vm))
                    (local.get $vinv))
                  (v128.load (i32.add (local.get $g) (local.get $i))))
                (v128.load (i32.add (local.get $b) (local.get $i)))))
            (local.set $i (i32.add (local.get $i) (i32.const 16)))
            (br $out)))
        (local.set $x (i32.add (local.get $x) (local.get $rowBytes)))
        (local.set $y (i32.add (local.get $y) (local.get $rowBytes)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row))))

  ;; z = x * (x * x * a + c) over n floats (n % 4 == 0): the inner term of `gelu`, in the op chain's order
  ;; (Square, Multiply, Add, Multiply), so bit-identical to it in one pass.
  (func (export "gelu_inner") (param $x i32) (param $z i32) (param $n i32) (param $a f32) (param $c f32)
    (local $end i32) (local $v v128) (local $va v128) (local $vc v128)
    (local.set $va (f32x4.splat (local.get $a)))
    (local.set $vc (f32x4.splat (local.get $c)))
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $v (v128.load (local.get $x)))
        (v128.store (local.get $z)
          (f32x4.mul (local.get $v)
            (f32x4.add (f32x4.mul (f32x4.mul (local.get $v) (local.get $v)) (local.get $va)) (local.get $vc))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $z (i32.add (local.get $z) (i32.const 16)))
        (br $each))))

  ;; y = a * b elementwise over n floats (n % 4 == 0); y may be b (in place).
  (func (export "multiply") (param $a i32) (param $b i32) (param $y i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $a) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $a) (local.get $end)))
        (v128.store (local.get $y) (f32x4.mul (v128.load (local.get $a)) (v128.load (local.get $b))))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))
        (local.set $y (i32.add (local.get $y) (i32.const 16)))
        (br $each))))

  ;; C = A · B for small row-major A [m × k], B [k × n], C [m × n] with no packing of B (XNNPACK packs every new
  ;; B, which costs more than the product at attention sizes). Each C row: 16 columns at a time in four
  ;; accumulators, then 4 at a time, then one; every sum runs over p = 0 … k-1 in order.
  (func (export "matmul") (param $a i32) (param $b i32) (param $c i32) (param $m i32) (param $k i32) (param $n i32)
    (local $i i32) (local $j i32) (local $p i32) (local $rowA i32) (local $bp i32) (local $nBytes i32)
    (local $av v128) (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128) (local $s f32)
    (local.set $nBytes (i32.shl (local.get $n) (i32.const 2)))
    (block $rowsDone
      (loop $row
        (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $m)))
        (local.set $rowA (i32.add (local.get $a) (i32.shl (i32.mul (local.get $i) (local.get $k)) (i32.const 2))))
        (local.set $j (i32.const 0))
        ;; 16 columns at a time
        (block $j16Done
          (loop $j16
            (br_if $j16Done (i32.gt_u (i32.add (local.get $j) (i32.const 16)) (local.get $n)))
            (local.set $c0 (v128.const f32x4 0 0 0 0))
            (local.set $c1 (v128.const f32x4 0 0 0 0))
            (local.set $c2 (v128.const f32x4 0 0 0 0))
            (local.set $c3 (v128.const f32x4 0 0 0 0))
            (local.set $bp (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $p (i32.const 0))
            (block $pDone
              (loop $pl
                (br_if $pDone (i32.ge_u (local.get $p) (local.get $k)))
                (local.set $av (f32x4.splat (f32.load (i32.add (local.get $rowA) (i32.shl (local.get $p) (i32.const 2))))))
                (local.set $c0 (f32x4.add (local.get $c0) (f32x4.mul (local.get $av) (v128.load (local.get $bp)))))
                (local.set $c1 (f32x4.add (local.get $c1) (f32x4.mul (local.get $av) (v128.load offset=16 (local.get $bp)))))
                (local.set $c2 (f32x4.add (local.get $c2) (f32x4.mul (local.get $av) (v128.load offset=32 (local.get $bp)))))
                (local.set $c3 (f32x4.add (local.get $c3) (f32x4.mul (local.get $av) (v128.load offset=48 (local.get $bp)))))
                (local.set $bp (i32.add (local.get $bp) (local.get $nBytes)))
                (local.set $p (i32.add (local.get $p) (i32.const 1)))
                (br $pl)))
            (local.set $bp (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 2))))
            (v128.store (local.get $bp) (local.get $c0))
            (v128.store offset=16 (local.get $bp) (local.get $c1))
            (v128.store offset=32 (local.get $bp) (local.get $c2))
            (v128.store offset=48 (local.get $bp) (local.get $c3))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $j16)))
        ;; 4 columns at a time
        (block $j4Done
          (loop $j4
            (br_if $j4Done (i32.gt_u (i32.add (local.get $j) (i32.const 4)) (local.get $n)))
            (local.set $c0 (v128.const f32x4 0 0 0 0))
            (local.set $bp (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $p (i32.const 0))
            (block $p4Done
              (loop $p4
                (br_if $p4Done (i32.ge_u (local.get $p) (local.get $k)))
                (local.set $c0
                  (f32x4.add (local.get $c0)
                    (f32x4.mul (f32x4.splat (f32.load (i32.add (local.get $rowA) (i32.shl (local.get $p) (i32.const 2)))))
                      (v128.load (local.get $bp)))))
                (local.set $bp (i32.add (local.get $bp) (local.get $nBytes)))
                (local.set $p (i32.add (local.get $p) (i32.const 1)))
                (br $p4)))
            (v128.store (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 2)))
              (local.get $c0))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $j4)))
        ;; the last columns one at a time
        (block $j1Done
          (loop $j1
            (br_if $j1Done (i32.ge_u (local.get $j) (local.get $n)))
            (local.set $s (f32.const 0))
            (local.set $bp (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $p (i32.const 0))
            (block $p1Done
              (loop $p1
                (br_if $p1Done (i32.ge_u (local.get $p) (local.get $k)))
                (local.set $s
                  (f32.add (local.get $s)
                    (f32.mul (f32.load (i32.add (local.get $rowA) (i32.shl (local.get $p) (i32.const 2)))) (f32.load (local.get $bp)))))
                (local.set $bp (i32.add (local.get $bp) (local.get $nBytes)))
                (local.set $p (i32.add (local.get $p) (i32.const 1)))
                (br $p1)))
            (f32.store (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 2)))
              (local.get $s))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $j1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $row))))

  ;; dst[r * dstStride + j] = src[r * srcStride + j] * scale for a rows × cols block (cols % 4 == 0).
  (func (export "copy_block")
    (param $src i32) (param $srcStride i32) (param $rows i32) (param $cols i32) (param $dst i32) (param $dstStride i32) (param $scale f32)
    (local $r i32) (local $j i32) (local $colBytes i32) (local $srcBytes i32) (local $dstBytes i32) (local $vs v128)
    (local.set $vs (f32x4.splat (local.get $scale)))
    (local.set $colBytes (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $srcBytes (i32.shl (local.get $srcStride) (i32.const 2)))
    (local.set $dstBytes (i32.shl (local.get $dstStride) (i32.const 2)))
    (block $rowsDone
      (loop $row
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $j (i32.const 0))
        (block $colsDone
          (loop $col
            (br_if $colsDone (i32.ge_u (local.get $j) (local.get $colBytes)))
            (v128.store (i32.add (local.get $dst) (local.get $j))
              (f32x4.mul (v128.load (i32.add (local.get $src) (local.get $j))) (local.get $vs)))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $col)))
        (local.set $src (i32.add (local.get $src) (local.get $srcBytes)))
        (local.set $dst (i32.add (local.get $dst) (local.get $dstBytes)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row))))

  ;; dst[j * rows + r] = src[r * srcStride + j] for a rows × cols block (the block transposed).
  (func (export "transpose_block") (param $src i32) (param $srcStride i32) (param $rows i32) (param $cols i32) (param $dst i32)
    (local $r i32) (local $j i32) (local $rowBytes i32) (local $strideBytes i32) (local $s i32) (local $d i32)
    (local.set $rowBytes (i32.shl (local.get $rows) (i32.const 2)))
    (local.set $strideBytes (i32.shl (local.get $srcStride) (i32.const 2)))
    (block $rowsDone
      (loop $row
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $s (local.get $src))
        (local.set $d (i32.add (local.get $dst) (i32.shl (local.get $r) (i32.const 2))))
        (local.set $j (i32.const 0))
        (block $colsDone
          (loop $col
            (br_if $colsDone (i32.ge_u (local.get $j) (local.get $cols)))
            (f32.store (local.get $d) (f32.load (local.get $s)))
            (local.set $s (i32.add (local.get $s) (i32.const 4)))
            (local.set $d (i32.add (local.get $d) (local.get $rowBytes)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $col)))
        (local.set $src (i32.add (local.get $src) (local.get $strideBytes)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row))))
)
