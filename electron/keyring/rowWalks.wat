;; The scan's two walks over the keyring graph by table row (rowWalks.ts lays out memory and calls it): possession
;; (possessedRows, shared/possession.ts walkPossession's rule) and reachability (reachableRows, shared/reachability.ts
;; walkReachable). Each is a set of rows, so the order a walk meets them in does not matter; possession keeps the
;; breadth-first levels that bound its depth. Why WebAssembly: these walks run once per one-shot process over every
;; member of every keyring, and cold JavaScript (callbacks, Sets, the interpreter) spent tens of ms on what takes
;; this module's baseline code well under one.
;;
;; Memory (offsets in bytes, given to each call): ringOf (i32 per row: the index of its member list, -1 where the
;; row has none, -2 where it is a keyring we may not read), listStart and listCount (i32 per list), members (i32:
;; each list's members as rows, -1 for a member with no row), and u8 per row marks.
(module
  (import "env" "memory" (memory 1))

  ;; searchable[row] = 1 where the row's possessor byte grants SEARCH (perm: u32 per row); the rows it does not are
  ;; listed at `need` for the caller to judge by the class rule. Returns how many it listed.
  (func (export "searchable") (param $n i32) (param $perm i32) (param $searchable i32) (param $need i32) (result i32)
    (local $row i32) (local $count i32)
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $row) (local.get $n)))
        (if (i32.and (i32.load (i32.add (local.get $perm) (i32.shl (local.get $row) (i32.const 2)))) (i32.const 0x08000000))
          (then (i32.store8 (i32.add (local.get $searchable) (local.get $row)) (i32.const 1)))
          (else
            (i32.store (i32.add (local.get $need) (i32.shl (local.get $count) (i32.const 2))) (local.get $row))
            (local.set $count (i32.add (local.get $count) (i32.const 1)))))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $rows)))
    (local.get $count))

  ;; walkPossession over rows: roots (i32 rows, none -1) in order; a searched keyring's members that are searchable
  ;; are possessed; a possessed member with a list (ringOf != -1, readable or not) is searched at the next level,
  ;; levels 0..maxDepth. frontier and next hold up to one entry per list (+ roots); searched is u8 per row, zeroed.
  (func (export "possess")
    (param $roots i32) (param $rootCount i32) (param $ringOf i32) (param $listStart i32) (param $listCount i32)
    (param $members i32) (param $searchable i32) (param $searched i32) (param $possessed i32)
    (param $frontier i32) (param $next i32) (param $maxDepth i32)
    (local $i i32) (local $row i32) (local $count i32) (local $nextCount i32) (local $depth i32) (local $swap i32)
    (local $list i32) (local $at i32) (local $end i32) (local $m i32)
    ;; The roots: each searched and possessed once, where it is searchable.
    (block $rootsDone
      (loop $rootLoop
        (br_if $rootsDone (i32.ge_u (local.get $i) (local.get $rootCount)))
        (local.set $row (i32.load (i32.add (local.get $roots) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $rootLoop (i32.load8_u (i32.add (local.get $searched) (local.get $row))))
        (br_if $rootLoop (i32.eqz (i32.load8_u (i32.add (local.get $searchable) (local.get $row)))))
        (i32.store8 (i32.add (local.get $possessed) (local.get $row)) (i32.const 1))
        (i32.store8 (i32.add (local.get $searched) (local.get $row)) (i32.const 1))
        (i32.store (i32.add (local.get $frontier) (i32.shl (local.get $count) (i32.const 2))) (local.get $row))
        (local.set $count (i32.add (local.get $count) (i32.const 1)))
        (br $rootLoop)))
    (block $levelsDone
      (loop $levels
        (br_if $levelsDone (i32.gt_s (local.get $depth) (local.get $maxDepth)))
        (br_if $levelsDone (i32.eqz (local.get $count)))
        (local.set $nextCount (i32.const 0))
        (local.set $i (i32.const 0))
        (block $ringsDone
          (loop $rings
            (br_if $ringsDone (i32.ge_u (local.get $i) (local.get $count)))
            (local.set $row (i32.load (i32.add (local.get $frontier) (i32.shl (local.get $i) (i32.const 2)))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (local.set $list (i32.load (i32.add (local.get $ringOf) (i32.shl (local.get $row) (i32.const 2)))))
            (br_if $rings (i32.lt_s (local.get $list) (i32.const 0)))
            (local.set $at (i32.load (i32.add (local.get $listStart) (i32.shl (local.get $list) (i32.const 2)))))
            (local.set $end (i32.add (local.get $at)
              (i32.load (i32.add (local.get $listCount) (i32.shl (local.get $list) (i32.const 2))))))
            (block $membersDone
              (loop $memberLoop
                (br_if $membersDone (i32.ge_u (local.get $at) (local.get $end)))
                (local.set $m (i32.load (i32.add (local.get $members) (i32.shl (local.get $at) (i32.const 2)))))
                (local.set $at (i32.add (local.get $at) (i32.const 1)))
                (br_if $memberLoop (i32.lt_s (local.get $m) (i32.const 0)))
                (br_if $memberLoop (i32.eqz (i32.load8_u (i32.add (local.get $searchable) (local.get $m)))))
                (i32.store8 (i32.add (local.get $possessed) (local.get $m)) (i32.const 1))
                (br_if $memberLoop (i32.load8_u (i32.add (local.get $searched) (local.get $m))))
                (br_if $memberLoop (i32.eq (i32.load (i32.add (local.get $ringOf) (i32.shl (local.get $m) (i32.const 2)))) (i32.const -1)))
                (i32.store8 (i32.add (local.get $searched) (local.get $m)) (i32.const 1))
                (i32.store (i32.add (local.get $next) (i32.shl (local.get $nextCount) (i32.const 2))) (local.get $m))
                (local.set $nextCount (i32.add (local.get $nextCount) (i32.const 1)))
                (br $memberLoop)))
            (br $rings)))
        (local.set $swap (local.get $frontier))
        (local.set $frontier (local.get $next))
        (local.set $next (local.get $swap))
        (local.set $count (local.get $nextCount))
        (local.set $depth (i32.add (local.get $depth) (i32.const 1)))
        (br $levels))))

  ;; walkReachable over rows: marks in `reachable` (u8 per row, zeroed) every row reachable from roots (i32 rows,
  ;; none -1) through member lists. stack holds up to one entry per list (+ roots): only rows with a list wait on it.
  (func (export "reach")
    (param $roots i32) (param $rootCount i32) (param $ringOf i32) (param $listStart i32) (param $listCount i32)
    (param $members i32) (param $reachable i32) (param $stack i32)
    (local $i i32) (local $row i32) (local $top i32) (local $list i32) (local $at i32) (local $end i32) (local $m i32)
    (block $rootsDone
      (loop $rootLoop
        (br_if $rootsDone (i32.ge_u (local.get $i) (local.get $rootCount)))
        (local.set $row (i32.load (i32.add (local.get $roots) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $rootLoop (i32.load8_u (i32.add (local.get $reachable) (local.get $row))))
        (i32.store8 (i32.add (local.get $reachable) (local.get $row)) (i32.const 1))
        (i32.store (i32.add (local.get $stack) (i32.shl (local.get $top) (i32.const 2))) (local.get $row))
        (local.set $top (i32.add (local.get $top) (i32.const 1)))
        (br $rootLoop)))
    (block $walked
      (loop $pop
        (br_if $walked (i32.eqz (local.get $top)))
        (local.set $top (i32.sub (local.get $top) (i32.const 1)))
        (local.set $row (i32.load (i32.add (local.get $stack) (i32.shl (local.get $top) (i32.const 2)))))
        (local.set $list (i32.load (i32.add (local.get $ringOf) (i32.shl (local.get $row) (i32.const 2)))))
        (br_if $pop (i32.lt_s (local.get $list) (i32.const 0)))
        (local.set $at (i32.load (i32.add (local.get $listStart) (i32.shl (local.get $list) (i32.const 2)))))
        (local.set $end (i32.add (local.get $at)
          (i32.load (i32.add (local.get $listCount) (i32.shl (local.get $list) (i32.const 2))))))
        (block $membersDone
          (loop $memberLoop
            (br_if $membersDone (i32.ge_u (local.get $at) (local.get $end)))
            (local.set $m (i32.load (i32.add (local.get $members) (i32.shl (local.get $at) (i32.const 2)))))
            (local.set $at (i32.add (local.get $at) (i32.const 1)))
            (br_if $memberLoop (i32.lt_s (local.get $m) (i32.const 0)))
            (br_if $memberLoop (i32.load8_u (i32.add (local.get $reachable) (local.get $m))))
            (i32.store8 (i32.add (local.get $reachable) (local.get $m)) (i32.const 1))
            ;; A row without a list has nothing to walk: only rows with one wait (the set is the same).
            (br_if $memberLoop (i32.lt_s (i32.load (i32.add (local.get $ringOf) (i32.shl (local.get $m) (i32.const 2)))) (i32.const 0)))
            (i32.store (i32.add (local.get $stack) (i32.shl (local.get $top) (i32.const 2))) (local.get $m))
            (local.set $top (i32.add (local.get $top) (i32.const 1)))
            (br $memberLoop)))
        (br $pop))))
)
