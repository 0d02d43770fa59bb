;; KeyTable's index of serials (keyTable.ts: open addressing, serial -> row) built, and looked up a member list at a
;; time, by this module: the same slots, hash and probing as KeyTable.index and rowOf, so the table's own lookups
;; and the ones made here find the same rows (serialIndex.ts lays out memory; keyTable.test.ts compares them). Why
;; WebAssembly: a one-shot scan builds the index of 40k rows once and looks up 40k members once, and both loops
;; ran cold in JavaScript (a call per row and per member): tens of ms, where this module's baseline code takes one.
;;
;; Memory (offsets in bytes, given to each call): slotIds and slotRows (i32 per slot; 0 in slotIds marks a free
;; slot, as serials are positive), `mask` = slots - 1 (a power of two).
(module
  (import "env" "memory" (memory 1))

  (func $slot (param $id i32) (param $mask i32) (result i32)
    (local $h i32)
    (local.set $h (i32.mul (local.get $id) (i32.const 0x9e3779b1)))
    (i32.and (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 15))) (local.get $mask)))

  ;; Indexes rows [from, to) of the serials at `ids` (i32 per row), in row order, as KeyTable.index does one.
  (func (export "build") (param $ids i32) (param $from i32) (param $to i32) (param $slotIds i32) (param $slotRows i32) (param $mask i32)
    (local $row i32) (local $id i32) (local $s i32) (local $at i32)
    (local.set $row (local.get $from))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_s (local.get $row) (local.get $to)))
        (local.set $id (i32.load (i32.add (local.get $ids) (i32.shl (local.get $row) (i32.const 2)))))
        (local.set $s (call $slot (local.get $id) (local.get $mask)))
        (block $found
          (loop $probe
            (local.set $at (i32.load (i32.add (local.get $slotIds) (i32.shl (local.get $s) (i32.const 2)))))
            (br_if $found (i32.eqz (local.get $at)))
            (br_if $found (i32.eq (local.get $at) (local.get $id)))
            (local.set $s (i32.and (i32.add (local.get $s) (i32.const 1)) (local.get $mask)))
            (br $probe)))
        (i32.store (i32.add (local.get $slotIds) (i32.shl (local.get $s) (i32.const 2))) (local.get $id))
        (i32.store (i32.add (local.get $slotRows) (i32.shl (local.get $s) (i32.const 2))) (local.get $row))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $rows))))

  ;; The rows of `count` serials at `list` (i32 each) into `out`, -1 where there is none, as KeyTable.rowOf answers
  ;; each. Returns how many have none.
  (func (export "lookup") (param $list i32) (param $count i32) (param $out i32) (param $slotIds i32) (param $slotRows i32) (param $mask i32) (result i32)
    (local $i i32) (local $id i32) (local $s i32) (local $at i32) (local $row i32) (local $missing i32)
    (block $done
      (loop $members
        (br_if $done (i32.ge_s (local.get $i) (local.get $count)))
        (local.set $id (i32.load (i32.add (local.get $list) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $s (call $slot (local.get $id) (local.get $mask)))
        (block $answered
          (loop $probe
            (local.set $at (i32.load (i32.add (local.get $slotIds) (i32.shl (local.get $s) (i32.const 2)))))
            (if (i32.eq (local.get $at) (local.get $id))
              (then
                (local.set $row (i32.load (i32.add (local.get $slotRows) (i32.shl (local.get $s) (i32.const 2)))))
                (br $answered)))
            (if (i32.eqz (local.get $at))
              (then
                (local.set $row (i32.const -1))
                (br $answered)))
            (local.set $s (i32.and (i32.add (local.get $s) (i32.const 1)) (local.get $mask)))
            (br $probe)))
        (i32.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2))) (local.get $row))
        (if (i32.lt_s (local.get $row) (i32.const 0)) (then (local.set $missing (i32.add (local.get $missing) (i32.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $members)))
    (local.get $missing))
)
