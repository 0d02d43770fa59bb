;; /proc/keys bytes into a KeyTable's columns, for the one-shot CLI (procKeysBytes.ts lays out memory, calls it and
;; copies the columns into the table): the grammar of procKeys.ts parseProcKeysInto, line for line, for text made
;; only of records and their continuation lines. Anything else (a malformed record, a line continuing nothing, a
;; number of more than 15 digits, more distinct timeouts or type columns than it keeps) makes it give up, and the
;; caller parses the whole text with procKeys.ts, which says what is wrong. Why WebAssembly: the parse runs once
;; per process, and cold JavaScript took 3-5 times as long as the same parse warm.
(module
  (import "env" "memory" (memory 1))

  ;; Output columns (i32 each unless said), and limits, set by layout().
  (global $id (mut i32) (i32.const 0))
  (global $flags (mut i32) (i32.const 0))     ;; u8
  (global $usage (mut i32) (i32.const 0))
  (global $timeout (mut i32) (i32.const 0))   ;; index among the distinct timeouts (0: perm)
  (global $perm (mut i32) (i32.const 0))
  (global $uid (mut i32) (i32.const 0))
  (global $gid (mut i32) (i32.const 0))
  (global $typeCut (mut i32) (i32.const 0))   ;; index among the distinct type columns
  (global $restStart (mut i32) (i32.const 0))
  (global $restEnd (mut i32) (i32.const 0))
  (global $multiline (mut i32) (i32.const 0)) ;; u8: 1 where the record runs over several lines
  (global $capacity (mut i32) (i32.const 0))  ;; rows the columns hold
  (global $hidden (mut i32) (i32.const 0))    ;; serials whose records are skipped
  (global $hiddenCount (mut i32) (i32.const 0))
  (global $timeouts (mut i32) (i32.const 0))  ;; (start, end) of each distinct timeout but perm, from index 1
  (global $timeoutCount (mut i32) (i32.const 1))
  (global $types (mut i32) (i32.const 0))     ;; start of each distinct type column (9 bytes)
  (global $typeCount (mut i32) (i32.const 0))
  (global $ordered (mut i32) (i32.const 1))

  (func (export "layout") (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)
    (global.set $id (local.get 0)) (global.set $flags (local.get 1)) (global.set $usage (local.get 2))
    (global.set $timeout (local.get 3)) (global.set $perm (local.get 4)) (global.set $uid (local.get 5))
    (global.set $gid (local.get 6)) (global.set $typeCut (local.get 7)) (global.set $restStart (local.get 8))
    (global.set $restEnd (local.get 9)) (global.set $multiline (local.get 10)) (global.set $capacity (local.get 11))
    (global.set $hidden (local.get 12)) (global.set $hiddenCount (local.get 13)) (global.set $timeouts (local.get 14))
    (global.set $types (local.get 15)))

  (func (export "timeoutCount") (result i32) (global.get $timeoutCount))
  (func (export "typeCount") (result i32) (global.get $typeCount))
  (func (export "ordered") (result i32) (global.get $ordered))

  ;; Most distinct timeouts and type columns kept (procKeys.ts keeps 64 type columns at hand too).
  (global $MAX_TIMEOUTS i32 (i32.const 256))
  (global $MAX_TYPES i32 (i32.const 64))

  ;; A lowercase hex digit's value, or -1.
  (func $hex (param $c i32) (result i32)
    (if (i32.le_u (i32.sub (local.get $c) (i32.const 0x30)) (i32.const 9)) (then (return (i32.sub (local.get $c) (i32.const 0x30)))))
    (if (i32.le_u (i32.sub (local.get $c) (i32.const 0x61)) (i32.const 5)) (then (return (i32.sub (local.get $c) (i32.const 0x57)))))
    (i32.const -1))

  ;; The 8 hex digits at p as an unsigned value (i64), or -1.
  (func $hex8 (param $p i32) (result i64)
    (local $k i32) (local $v i64) (local $d i32)
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $k) (i32.const 8)))
      (local.set $d (call $hex (i32.load8_u (i32.add (local.get $p) (local.get $k)))))
      (if (i32.lt_s (local.get $d) (i32.const 0)) (then (return (i64.const -1))))
      (local.set $v (i64.or (i64.shl (local.get $v) (i64.const 4)) (i64.extend_i32_u (local.get $d))))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $next)))
    (local.get $v))

  ;; The flag mask of the 7 characters at p, or -1.
  (func $flagMask (param $p i32) (result i32)
    (local $k i32) (local $c i32) (local $mask i32)
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $k) (i32.const 7)))
      (local.set $c (i32.load8_u (i32.add (local.get $p) (local.get $k))))
      (if (i32.eq (local.get $c) (i32.load8_u (i32.add (i32.const 1024) (local.get $k))))
        (then (local.set $mask (i32.or (local.get $mask) (i32.shl (i32.const 1) (local.get $k)))))
        (else (if (i32.ne (local.get $c) (i32.const 0x2d)) (then (return (i32.const -1))))))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $next)))
    (local.get $mask))

  ;; Whether the line [start, end) begins like a record: serial, space, 7 flag characters, space.
  (func $looksLikeRecord (param $start i32) (param $end i32) (result i32)
    (if (i32.lt_s (i32.sub (local.get $end) (local.get $start)) (i32.const 17)) (then (return (i32.const 0))))
    (if (i64.lt_s (call $hex8 (local.get $start)) (i64.const 0)) (then (return (i32.const 0))))
    (if (i32.ne (i32.load8_u (i32.add (local.get $start) (i32.const 8))) (i32.const 0x20)) (then (return (i32.const 0))))
    (if (i32.lt_s (call $flagMask (i32.add (local.get $start) (i32.const 9))) (i32.const 0)) (then (return (i32.const 0))))
    (i32.eq (i32.load8_u (i32.add (local.get $start) (i32.const 16))) (i32.const 0x20)))

  ;; procKeys.ts readPaddedInt: ` +-?\d+` from p; sets $value (wrapped to 32 bits, as the typed columns keep it)
  ;; and returns the position after it, -1 when absent, -2 past 15 digits (then the caller gives up).
  (global $value (mut i32) (i32.const 0))
  (func $paddedInt (param $p i32) (param $end i32) (result i32)
    (local $negative i32) (local $digits i32) (local $v i32) (local $c i32)
    (if (i32.or (i32.ge_s (local.get $p) (local.get $end)) (i32.ne (i32.load8_u (local.get $p)) (i32.const 0x20)))
      (then (return (i32.const -1))))
    (block $done (loop $next
      (br_if $done (i32.ge_s (local.get $p) (local.get $end)))
      (br_if $done (i32.ne (i32.load8_u (local.get $p)) (i32.const 0x20)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $next)))
    (if (i32.and (i32.lt_s (local.get $p) (local.get $end)) (i32.eq (i32.load8_u (local.get $p)) (i32.const 0x2d)))
      (then (local.set $negative (i32.const 1)) (local.set $p (i32.add (local.get $p) (i32.const 1)))))
    (local.set $digits (local.get $p))
    (block $done2 (loop $next2
      (br_if $done2 (i32.ge_s (local.get $p) (local.get $end)))
      (local.set $c (i32.sub (i32.load8_u (local.get $p)) (i32.const 0x30)))
      (br_if $done2 (i32.gt_u (local.get $c) (i32.const 9)))
      (local.set $v (i32.add (i32.mul (local.get $v) (i32.const 10)) (local.get $c)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $next2)))
    (if (i32.eq (local.get $p) (local.get $digits)) (then (return (i32.const -1))))
    (if (i32.gt_s (i32.sub (local.get $p) (local.get $digits)) (i32.const 15)) (then (return (i32.const -2))))
    (global.set $value (select (i32.sub (i32.const 0) (local.get $v)) (local.get $v) (local.get $negative)))
    (local.get $p))

  ;; Whether the 4 bytes at p (p + 4 <= end) are "perm" / "expd".
  (func $is4 (param $p i32) (param $word i32) (result i32)
    (i32.eq (i32.load (local.get $p)) (local.get $word)))

  ;; procKeys.ts timeoutEnd: the timeout token's end from p, or -1.
  (func $timeoutEnd (param $at i32) (param $end i32) (result i32)
    (local $p i32) (local $unit i32)
    (if (i32.le_s (i32.add (local.get $at) (i32.const 4)) (local.get $end))
      (then
        (if (i32.or (call $is4 (local.get $at) (i32.const 0x6d726570)) (call $is4 (local.get $at) (i32.const 0x64707865)))
          (then (return (i32.add (local.get $at) (i32.const 4)))))))
    (local.set $p (local.get $at))
    (block $done (loop $next
      (br_if $done (i32.ge_s (local.get $p) (local.get $end)))
      (br_if $done (i32.gt_u (i32.sub (i32.load8_u (local.get $p)) (i32.const 0x30)) (i32.const 9)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $next)))
    (if (i32.or (i32.eq (local.get $p) (local.get $at)) (i32.ge_s (local.get $p) (local.get $end))) (then (return (i32.const -1))))
    (local.set $unit (i32.load8_u (local.get $p)))
    (if (i32.or (i32.or (i32.eq (local.get $unit) (i32.const 0x73)) (i32.eq (local.get $unit) (i32.const 0x6d)))
          (i32.or (i32.or (i32.eq (local.get $unit) (i32.const 0x68)) (i32.eq (local.get $unit) (i32.const 0x64))) (i32.eq (local.get $unit) (i32.const 0x77))))
      (then (return (i32.add (local.get $p) (i32.const 1)))))
    (i32.const -1))

  ;; Whether bytes [a, a + n) equal [b, b + n).
  (func $same (param $a i32) (param $b i32) (param $n i32) (result i32)
    (local $k i32)
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $k) (local.get $n)))
      (if (i32.ne (i32.load8_u (i32.add (local.get $a) (local.get $k))) (i32.load8_u (i32.add (local.get $b) (local.get $k))))
        (then (return (i32.const 0))))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $next)))
    (i32.const 1))

  ;; The index of timeout [p, q) (not perm) among the distinct ones, added if new; -1 when too many.
  (func $timeoutIndex (param $p i32) (param $q i32) (result i32)
    (local $k i32) (local $at i32)
    (local.set $k (i32.const 1))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $k) (global.get $timeoutCount)))
      (local.set $at (i32.add (global.get $timeouts) (i32.shl (local.get $k) (i32.const 3))))
      (if (i32.eq (i32.sub (i32.load offset=4 (local.get $at)) (i32.load (local.get $at))) (i32.sub (local.get $q) (local.get $p)))
        (then (if (call $same (i32.load (local.get $at)) (local.get $p) (i32.sub (local.get $q) (local.get $p))) (then (return (local.get $k))))))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $next)))
    (if (i32.ge_u (global.get $timeoutCount) (global.get $MAX_TIMEOUTS)) (then (return (i32.const -1))))
    (local.set $at (i32.add (global.get $timeouts) (i32.shl (local.get $k) (i32.const 3))))
    (i32.store (local.get $at) (local.get $p))
    (i32.store offset=4 (local.get $at) (local.get $q))
    (global.set $timeoutCount (i32.add (local.get $k) (i32.const 1)))
    (local.get $k))

  ;; The index of the 9-byte type column at p among the distinct ones, added if new; -1 when too many.
  (func $typeIndex (param $p i32) (result i32)
    (local $k i32) (local $at i32)
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $k) (global.get $typeCount)))
      (local.set $at (i32.load (i32.add (global.get $types) (i32.shl (local.get $k) (i32.const 2)))))
      (if (call $same (local.get $at) (local.get $p) (i32.const 9)) (then (return (local.get $k))))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $next)))
    (if (i32.ge_u (global.get $typeCount) (global.get $MAX_TYPES)) (then (return (i32.const -1))))
    (i32.store (i32.add (global.get $types) (i32.shl (local.get $k) (i32.const 2))) (local.get $p))
    (global.set $typeCount (i32.add (local.get $k) (i32.const 1)))
    (local.get $k))

  (func $isHidden (param $id i32) (result i32)
    (local $k i32)
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $k) (global.get $hiddenCount)))
      (if (i32.eq (i32.load (i32.add (global.get $hidden) (i32.shl (local.get $k) (i32.const 2)))) (local.get $id))
        (then (return (i32.const 1))))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $next)))
    (i32.const 0))

  ;; Parses bytes [src, src + len), positions relative to src. Returns the rows written, or -1: give up.
  (func (export "parse") (param $src i32) (param $len i32) (result i32)
    (local $start i32) (local $end i32) (local $stop i32) (local $rows i32) (local $current i32)
    (local $idw i64) (local $id i32) (local $fl i32) (local $p i32) (local $usage i32) (local $t i32) (local $tEnd i32)
    (local $permw i64) (local $uid i32) (local $gid i32) (local $typeAt i32) (local $ty i32) (local $r4 i32) (local $prev i32)
    (local.set $current (i32.const -1)) ;; -1: none, -2: a skipped record
    (local.set $stop (i32.add (local.get $src) (local.get $len)))
    (local.set $start (local.get $src))
    (block $finished (loop $line
      (br_if $finished (i32.ge_u (local.get $start) (local.get $stop)))
      ;; The line's end: the next '\n' or the end of the text.
      (local.set $end (local.get $start))
      (block $found (loop $scan
        (br_if $found (i32.ge_u (local.get $end) (local.get $stop)))
        (br_if $found (i32.eq (i32.load8_u (local.get $end)) (i32.const 0x0a)))
        (local.set $end (i32.add (local.get $end) (i32.const 1)))
        (br $scan)))
      (block $notRecord
        (br_if $notRecord (i32.lt_s (i32.sub (local.get $end) (local.get $start)) (i32.const 17)))
        (local.set $idw (call $hex8 (local.get $start)))
        (br_if $notRecord (i64.lt_s (local.get $idw) (i64.const 0)))
        (br_if $notRecord (i32.ne (i32.load8_u (i32.add (local.get $start) (i32.const 8))) (i32.const 0x20)))
        (local.set $fl (call $flagMask (i32.add (local.get $start) (i32.const 9))))
        (br_if $notRecord (i32.lt_s (local.get $fl) (i32.const 0)))
        (br_if $notRecord (i32.ne (i32.load8_u (i32.add (local.get $start) (i32.const 16))) (i32.const 0x20)))
        ;; From here the line looks like a record: it is one, or malformed (give up).
        (local.set $id (i32.wrap_i64 (local.get $idw)))
        (local.set $p (call $paddedInt (i32.add (local.get $start) (i32.const 16)) (local.get $end)))
        (if (i32.lt_s (local.get $p) (i32.const 0)) (then (return (i32.const -1))))
        (local.set $usage (global.get $value))
        (if (i32.or (i32.ge_s (local.get $p) (local.get $end)) (i32.ne (i32.load8_u (local.get $p)) (i32.const 0x20)))
          (then (return (i32.const -1))))
        (block $pad (loop $spaces
          (br_if $pad (i32.ge_s (local.get $p) (local.get $end)))
          (br_if $pad (i32.ne (i32.load8_u (local.get $p)) (i32.const 0x20)))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br $spaces)))
        (local.set $tEnd (call $timeoutEnd (local.get $p) (local.get $end)))
        (if (i32.lt_s (local.get $tEnd) (i32.const 0)) (then (return (i32.const -1))))
        (local.set $t (i32.const 0))
        (if (i32.eqz (i32.and (i32.le_s (i32.add (local.get $p) (i32.const 4)) (local.get $end)) (call $is4 (local.get $p) (i32.const 0x6d726570))))
          (then
            (local.set $t (call $timeoutIndex (local.get $p) (local.get $tEnd)))
            (if (i32.lt_s (local.get $t) (i32.const 0)) (then (return (i32.const -1))))))
        (if (i32.or (i32.ge_s (local.get $tEnd) (local.get $end)) (i32.ne (i32.load8_u (local.get $tEnd)) (i32.const 0x20)))
          (then (return (i32.const -1))))
        (if (i32.gt_s (i32.add (local.get $tEnd) (i32.const 9)) (local.get $end)) (then (return (i32.const -1))))
        (local.set $permw (call $hex8 (i32.add (local.get $tEnd) (i32.const 1))))
        (if (i64.lt_s (local.get $permw) (i64.const 0)) (then (return (i32.const -1))))
        (local.set $p (call $paddedInt (i32.add (local.get $tEnd) (i32.const 9)) (local.get $end)))
        (if (i32.lt_s (local.get $p) (i32.const 0)) (then (return (i32.const -1))))
        (local.set $uid (global.get $value))
        (local.set $p (call $paddedInt (local.get $p) (local.get $end)))
        (if (i32.lt_s (local.get $p) (i32.const 0)) (then (return (i32.const -1))))
        (local.set $gid (global.get $value))
        ;; ' ' + the 9-character type column + ' '.
        (local.set $typeAt (i32.add (local.get $p) (i32.const 1)))
        (if (i32.or (i32.ne (i32.load8_u (local.get $p)) (i32.const 0x20)) (i32.gt_s (i32.add (local.get $typeAt) (i32.const 10)) (local.get $end)))
          (then (return (i32.const -1))))
        (if (i32.or (i32.eq (i32.load8_u (local.get $typeAt)) (i32.const 0x20)) (i32.ne (i32.load8_u (i32.add (local.get $typeAt) (i32.const 9))) (i32.const 0x20)))
          (then (return (i32.const -1))))
        (local.set $ty (call $typeIndex (local.get $typeAt)))
        (if (i32.lt_s (local.get $ty) (i32.const 0)) (then (return (i32.const -1))))
        ;; A record.
        (if (call $isHidden (local.get $id))
          (then (local.set $current (i32.const -2)))
          (else
            (if (i32.ge_u (local.get $rows) (global.get $capacity)) (then (return (i32.const -1))))
            (local.set $r4 (i32.shl (local.get $rows) (i32.const 2)))
            ;; KeyTable.addRow: rows out of ascending order (compared as the table compares them).
            (if (i32.and (i32.gt_s (local.get $rows) (i32.const 0)) (i32.ge_s (local.get $id) (i32.const 0)))
              (then
                (local.set $prev (i32.load (i32.sub (i32.add (global.get $id) (local.get $r4)) (i32.const 4))))
                (if (i32.ge_s (local.get $prev) (local.get $id)) (then (global.set $ordered (i32.const 0))))))
            (i32.store (i32.add (global.get $id) (local.get $r4)) (local.get $id))
            (i32.store8 (i32.add (global.get $flags) (local.get $rows)) (local.get $fl))
            (i32.store (i32.add (global.get $usage) (local.get $r4)) (local.get $usage))
            (i32.store (i32.add (global.get $timeout) (local.get $r4)) (local.get $t))
            (i32.store (i32.add (global.get $perm) (local.get $r4)) (i32.wrap_i64 (local.get $permw)))
            (i32.store (i32.add (global.get $uid) (local.get $r4)) (local.get $uid))
            (i32.store (i32.add (global.get $gid) (local.get $r4)) (local.get $gid))
            (i32.store (i32.add (global.get $typeCut) (local.get $r4)) (local.get $ty))
            (i32.store (i32.add (global.get $restStart) (local.get $r4)) (i32.sub (i32.add (local.get $typeAt) (i32.const 10)) (local.get $src)))
            (i32.store (i32.add (global.get $restEnd) (local.get $r4)) (i32.sub (local.get $end) (local.get $src)))
            (i32.store8 (i32.add (global.get $multiline) (local.get $rows)) (i32.const 0))
            (local.set $current (local.get $rows))
            (local.set $rows (i32.add (local.get $rows) (i32.const 1)))))
        (local.set $start (i32.add (local.get $end) (i32.const 1)))
        (br $line))
      ;; Not a record: it continues the record before it (a description holding '\n'), or give up.
      (if (i32.ge_s (local.get $current) (i32.const 0))
        (then
          (i32.store (i32.add (global.get $restEnd) (i32.shl (local.get $current) (i32.const 2))) (i32.sub (local.get $end) (local.get $src)))
          (i32.store8 (i32.add (global.get $multiline) (local.get $current)) (i32.const 1)))
        (else (if (i32.ne (local.get $current) (i32.const -2)) (then (return (i32.const -1))))))
      (local.set $start (i32.add (local.get $end) (i32.const 1)))
      (br $line)))
    (local.get $rows))

;; descriptions.ts digitsSuffixAt: where `: <digits>` ends text [start, end) (positions relative to src), or -1.
  (func $digitsSuffixAt (param $src i32) (param $start i32) (param $end i32) (result i32)
    (local $p i32)
    (local.set $p (local.get $end))
    (block $done (loop $next
      (br_if $done (i32.le_s (local.get $p) (local.get $start)))
      (br_if $done (i32.gt_u (i32.sub (i32.load8_u (i32.add (local.get $src) (i32.sub (local.get $p) (i32.const 1)))) (i32.const 0x30)) (i32.const 9)))
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (br $next)))
    (if (i32.or (i32.eq (local.get $p) (local.get $end)) (i32.lt_s (i32.sub (local.get $p) (i32.const 2)) (local.get $start)))
      (then (return (i32.const -1))))
    ;; ': ' before the digits (little-endian: ':' 0x3a then ' ' 0x20).
    (if (result i32) (i32.eq (i32.load16_u (i32.add (local.get $src) (i32.sub (local.get $p) (i32.const 2)))) (i32.const 0x203a))
      (then (i32.sub (local.get $p) (i32.const 2)))
      (else (i32.const -1))))

  ;; descriptions.ts keyringSuffixAt: `: empty` or `: <digits>` at the end of [start, end), or -1.
  (func $keyringSuffixAt (param $src i32) (param $start i32) (param $end i32) (result i32)
    (local $at i32)
    (local.set $at (i32.add (local.get $src) (i32.sub (local.get $end) (i32.const 7))))
    ;; ': empty' as the 4 bytes ': em' then the 3 bytes 'pty' (little-endian).
    (if (i32.ge_s (i32.sub (local.get $end) (local.get $start)) (i32.const 7))
      (then
        (if (i32.and
              (i32.eq (i32.load (local.get $at)) (i32.const 0x6d65203a))
              (i32.eq (i32.or (i32.load16_u offset=4 (local.get $at)) (i32.shl (i32.load8_u offset=6 (local.get $at)) (i32.const 16))) (i32.const 0x797470)))
          (then (return (i32.sub (local.get $end) (i32.const 7)))))))
    (call $digitsSuffixAt (local.get $src) (local.get $start) (local.get $end)))

  ;; descriptions.ts nameFromText for rows [0, n) of types whose describe() suffix is `: <digits>` (kind 1) or
  ;; keyring_describe's (kind 2), kinds[t] for type column t (0: any other type, named in JavaScript): writes the
  ;; row's type code (codes[t], the table's) to typeIndex and where its description ends to descEnd (it starts where
  ;; `rest` does), or -1 to both where descriptionBounds would answer false or the row is not of such a type (the
  ;; table's "unresolved": nameFromText then asks about it as before). Rows of texts of bytes: byte positions, as
  ;; KeyTable.sourceOfBytes keeps them.
  (func (export "name") (param $src i32) (param $n i32) (param $kinds i32) (param $codes i32) (param $typeIndex i32) (param $descEnd i32)
    (local $r i32) (local $r4 i32) (local $t i32) (local $kind i32) (local $fl i32) (local $positive i32) (local $settled i32)
    (local $start i32) (local $end i32) (local $at i32) (local $d i32)
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $r) (local.get $n)))
      (local.set $r4 (i32.shl (local.get $r) (i32.const 2)))
      (local.set $t (i32.load (i32.add (global.get $typeCut) (local.get $r4))))
      (local.set $kind (i32.load (i32.add (local.get $kinds) (i32.shl (local.get $t) (i32.const 2)))))
      (local.set $d (i32.const -1))
      (block $unresolved
        ;; A description holding '\n': /proc/keys cannot say where it ends.
        (br_if $unresolved (i32.or (i32.eqz (local.get $kind)) (i32.load8_u (i32.add (global.get $multiline) (local.get $r)))))
        ;; Flag bits as KeyTable keeps them (FLAG_LETTERS 'IRDQUNi'): positive = I and not N; settled = positive, R or i.
        (local.set $fl (i32.load8_u (i32.add (global.get $flags) (local.get $r))))
        (local.set $positive (i32.eq (i32.and (local.get $fl) (i32.const 0x21)) (i32.const 0x01)))
        (local.set $settled (i32.or (local.get $positive) (i32.ne (i32.and (local.get $fl) (i32.const 0x42)) (i32.const 0))))
        (local.set $start (i32.load (i32.add (global.get $restStart) (local.get $r4))))
        (local.set $end (i32.load (i32.add (global.get $restEnd) (local.get $r4))))
        (local.set $at
          (if (result i32) (i32.eq (local.get $kind) (i32.const 2))
            (then (call $keyringSuffixAt (local.get $src) (local.get $start) (local.get $end)))
            (else (call $digitsSuffixAt (local.get $src) (local.get $start) (local.get $end)))))
        ;; suffixStripped.
        (if (local.get $positive)
          (then (local.set $d (local.get $at)))
          (else
            (br_if $unresolved (i32.and (i32.ge_s (local.get $at) (i32.const 0)) (i32.eqz (local.get $settled))))
            (local.set $d (local.get $end))))
        (br_if $unresolved (i32.lt_s (local.get $d) (i32.const 0)))
        ;; A keyring without a description prints '[anon]'; one really named '[anon]' looks the same.
        (if (i32.and (i32.eq (local.get $kind) (i32.const 2)) (i32.eq (i32.sub (local.get $d) (local.get $start)) (i32.const 6)))
          (then
            (if (call $same (i32.add (local.get $src) (local.get $start)) (i32.const 1032) (i32.const 6))
              (then (local.set $d (i32.const -1)))))))
      (i32.store (i32.add (local.get $descEnd) (local.get $r4)) (local.get $d))
      (i32.store (i32.add (local.get $typeIndex) (local.get $r4))
        (select (i32.load (i32.add (local.get $codes) (i32.shl (local.get $t) (i32.const 2)))) (i32.const -1) (i32.ge_s (local.get $d) (i32.const 0))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $next))))

  ;; column[r] = map[column[r]] for rows [0, n): the distinct values' indices in the table.
  (func (export "remap") (param $column i32) (param $map i32) (param $n i32)
    (local $r i32) (local $at i32)
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $r) (local.get $n)))
      (local.set $at (i32.add (local.get $column) (i32.shl (local.get $r) (i32.const 2))))
      (i32.store (local.get $at) (i32.load (i32.add (local.get $map) (i32.shl (i32.load (local.get $at)) (i32.const 2)))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $next))))

  (data (i32.const 1024) "IRDQUNi")
  (data (i32.const 1032) "[anon]"))
