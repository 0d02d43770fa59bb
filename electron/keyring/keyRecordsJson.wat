;; The JSON of the snapshot's plain key records, written as bytes into this module's memory (keyRecordsJson.ts
;; lays out the columns, calls it, and writes every other record with JSON.stringify). Why WebAssembly: this code
;; runs once per process, and cold JavaScript (V8's interpreter and baseline code) built 40k key objects and their
;; JSON several times slower than this module's baseline-compiled byte loops; nor does it leave strings for V8's
;; collector.
;;
;; Columns are arrays in memory at offsets the caller sets with `layout`; rows are table rows (keyTable.ts).
(module
  (import "env" "memory" (memory 1))

  ;; Column offsets (bytes), set by layout().
  (global $order (mut i32) (i32.const 0))
  (global $id (mut i32) (i32.const 0))
  (global $uid (mut i32) (i32.const 0))
  (global $gid (mut i32) (i32.const 0))
  (global $perm (mut i32) (i32.const 0))
  (global $usage (mut i32) (i32.const 0))
  (global $typeIndex (mut i32) (i32.const 0))
  (global $timeoutIndex (mut i32) (i32.const 0))
  (global $sourceIndex (mut i32) (i32.const 0))
  (global $descStart (mut i32) (i32.const 0))
  (global $descEnd (mut i32) (i32.const 0))
  (global $restEnd (mut i32) (i32.const 0))
  (global $flagMask (mut i32) (i32.const 0))   ;; u8 per row
  (global $possessed (mut i32) (i32.const 0))  ;; u8 per row
  (global $reachable (mut i32) (i32.const 0))  ;; u8 per row
  (global $special (mut i32) (i32.const 0))    ;; u8 per row: 1 = the caller writes this record
  (global $linkStart (mut i32) (i32.const 0))  ;; i32 per row: where its member list starts in $links
  (global $linkCount (mut i32) (i32.const 0))  ;; i32 per row: members; -1: null (may not be read)
  (global $links (mut i32) (i32.const 0))      ;; member serials
  (global $linkRows (mut i32) (i32.const 0))   ;; the same members as rows (-1: not in the table)
  (global $inStart (mut i32) (i32.const 0))    ;; i32 per row + 1: where its inbound links start in $inRing
  (global $inRing (mut i32) (i32.const 0))     ;; serials of the keyrings linking each row, in keyring order
  ;; Per type index: bit 0-1 the payload length's form (0 none, 1 user/logon, 2 keyring, 3 big_key),
  ;; bit 2 keyring, bit 3 known (a type this module writes).
  (global $typeKind (mut i32) (i32.const 0))
  ;; Per type index / timeout index: offset and length of its JSON string (i32 pairs).
  (global $typeJson (mut i32) (i32.const 0))
  (global $typeCount (mut i32) (i32.const 0))
  (global $permTimeout (mut i32) (i32.const 0)) ;; the timeout index of 'perm'
  (global $plainFlags (mut i32) (i32.const 0))  ;; u8 per flag mask (128): 1 when no flag dooms the key
  (global $source (mut i32) (i32.const 0))      ;; the source's bytes
  (global $mainSource (mut i32) (i32.const 0))  ;; the source index the bytes are of
  (global $outStart (mut i32) (i32.const 0))
  (global $outEnd (mut i32) (i32.const 0))
  (global $out (mut i32) (i32.const 0))         ;; where the next byte goes
  ;; Other users' views (userViews.ts SeenBy): per row the index of its list of labels; per list the offset and
  ;; length of its JSON (i32 pairs); how many lists there are (0: the records have no seenBy).
  (global $seenBy (mut i32) (i32.const 0))
  (global $seenByJson (mut i32) (i32.const 0))
  (global $seenByCount (mut i32) (i32.const 0))

  (func (export "layout")
    (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)
    (global.set $order (local.get 0)) (global.set $id (local.get 1)) (global.set $uid (local.get 2))
    (global.set $gid (local.get 3)) (global.set $perm (local.get 4)) (global.set $usage (local.get 5))
    (global.set $typeIndex (local.get 6)) (global.set $timeoutIndex (local.get 7)) (global.set $sourceIndex (local.get 8))
    (global.set $descStart (local.get 9)) (global.set $descEnd (local.get 10)) (global.set $restEnd (local.get 11))
    (global.set $flagMask (local.get 12)) (global.set $possessed (local.get 13)) (global.set $reachable (local.get 14))
    (global.set $special (local.get 15)) (global.set $linkStart (local.get 16)) (global.set $linkCount (local.get 17))
    (global.set $links (local.get 18)) (global.set $linkRows (local.get 19)) (global.set $inStart (local.get 20))
    (global.set $inRing (local.get 21)) (global.set $typeKind (local.get 22)) (global.set $typeJson (local.get 23))
    (global.set $typeCount (local.get 24)) (global.set $permTimeout (local.get 25)) (global.set $plainFlags (local.get 26))
    (global.set $source (local.get 27)) (global.set $mainSource (local.get 28)) (global.set $outStart (local.get 29))
    (global.set $outEnd (local.get 30))
    (global.set $seenBy (local.get 31)) (global.set $seenByJson (local.get 32)) (global.set $seenByCount (local.get 33))
    (global.set $out (local.get 29)))

  ;; Rows of keyrings (type kind bit 2) among rows [0, n), written at `at`; returns how many.
  (func (export "keyringRows") (param $n i32) (param $at i32) (result i32)
    (local $row i32) (local $count i32) (local $t i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $row) (local.get $n)))
        (local.set $t (i32.load (i32.add (global.get $typeIndex) (i32.shl (local.get $row) (i32.const 2)))))
        (if (i32.and (i32.ge_s (local.get $t) (i32.const 0)) (i32.lt_s (local.get $t) (global.get $typeCount)))
          (then
            (if (i32.and (i32.load8_u (i32.add (global.get $typeKind) (local.get $t))) (i32.const 4))
              (then
                (i32.store (i32.add (local.get $at) (i32.shl (local.get $count) (i32.const 2))) (local.get $row))
                (local.set $count (i32.add (local.get $count) (i32.const 1)))))))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $next)))
    (local.get $count))

  ;; Inbound links: for each keyring in `order` (rows [0, m)) with a member list, each member row gets the
  ;; keyring's serial, in that order (what pins.ts addInboundLinks builds). n: table rows.
  (func (export "inbound") (param $m i32) (param $n i32)
    (local $i i32) (local $row i32) (local $k i32) (local $count i32) (local $start i32) (local $member i32) (local $sum i32) (local $c i32) (local $p i32)
    ;; Counts per member row in $inStart[member + 1].
    (memory.fill (global.get $inStart) (i32.const 0) (i32.shl (i32.add (local.get $n) (i32.const 1)) (i32.const 2)))
    (local.set $i (i32.const 0))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $m)))
      (local.set $row (i32.load (i32.add (global.get $order) (i32.shl (local.get $i) (i32.const 2)))))
      (local.set $count (i32.load (i32.add (global.get $linkCount) (i32.shl (local.get $row) (i32.const 2)))))
      (local.set $start (i32.load (i32.add (global.get $linkStart) (i32.shl (local.get $row) (i32.const 2)))))
      (local.set $k (i32.const 0))
      (block $ldone (loop $lnext
        (br_if $ldone (i32.ge_s (local.get $k) (local.get $count)))
        (local.set $member (i32.load (i32.add (global.get $linkRows) (i32.shl (i32.add (local.get $start) (local.get $k)) (i32.const 2)))))
        (if (i32.and (i32.ge_s (local.get $member) (i32.const 0)) (i32.lt_s (local.get $member) (local.get $n)))
          (then
            (local.set $p (i32.add (global.get $inStart) (i32.shl (i32.add (local.get $member) (i32.const 1)) (i32.const 2))))
            (i32.store (local.get $p) (i32.add (i32.load (local.get $p)) (i32.const 1)))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $lnext)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next)))
    ;; Prefix sums: $inStart[r] = where row r's inbound links start; used below as a fill cursor, then restored.
    (local.set $i (i32.const 1))
    (block $done2 (loop $next2
      (br_if $done2 (i32.gt_u (local.get $i) (local.get $n)))
      (local.set $p (i32.add (global.get $inStart) (i32.shl (local.get $i) (i32.const 2))))
      (local.set $sum (i32.add (local.get $sum) (i32.load (local.get $p))))
      (i32.store (local.get $p) (local.get $sum))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next2)))
    ;; Fill: $inStart[member + 1] is row member+1's start = the end of member's; fill with a cursor at
    ;; $inStart[member] moving up, then shift back. Simpler: cursor in $inStart[member], which ends at member's end
    ;; = member+1's start, so afterwards $inStart[r] holds r's end: shift down by one at the end.
    (local.set $i (i32.const 0))
    (block $done3 (loop $next3
      (br_if $done3 (i32.ge_u (local.get $i) (local.get $m)))
      (local.set $row (i32.load (i32.add (global.get $order) (i32.shl (local.get $i) (i32.const 2)))))
      (local.set $count (i32.load (i32.add (global.get $linkCount) (i32.shl (local.get $row) (i32.const 2)))))
      (local.set $start (i32.load (i32.add (global.get $linkStart) (i32.shl (local.get $row) (i32.const 2)))))
      (local.set $k (i32.const 0))
      (block $ldone3 (loop $lnext3
        (br_if $ldone3 (i32.ge_s (local.get $k) (local.get $count)))
        (local.set $member (i32.load (i32.add (global.get $linkRows) (i32.shl (i32.add (local.get $start) (local.get $k)) (i32.const 2)))))
        (if (i32.and (i32.ge_s (local.get $member) (i32.const 0)) (i32.lt_s (local.get $member) (local.get $n)))
          (then
            (local.set $p (i32.add (global.get $inStart) (i32.shl (local.get $member) (i32.const 2))))
            (local.set $c (i32.load (local.get $p)))
            (i32.store (i32.add (global.get $inRing) (i32.shl (local.get $c) (i32.const 2)))
              (i32.load (i32.add (global.get $id) (i32.shl (local.get $row) (i32.const 2)))))
            (i32.store (local.get $p) (i32.add (local.get $c) (i32.const 1)))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $lnext3)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next3)))
    ;; Now $inStart[r] = r's end; shift: r's start = (r-1)'s end, row 0 starts at 0.
    (local.set $i (local.get $n))
    (block $done4 (loop $next4
      (br_if $done4 (i32.eqz (local.get $i)))
      (i32.store (i32.add (global.get $inStart) (i32.shl (local.get $i) (i32.const 2)))
        (i32.load (i32.add (global.get $inStart) (i32.shl (i32.sub (local.get $i) (i32.const 1)) (i32.const 2)))))
      (local.set $i (i32.sub (local.get $i) (i32.const 1)))
      (br $next4)))
    (i32.store (global.get $inStart) (i32.const 0)))

  (func $byte (param $b i32)
    (i32.store8 (global.get $out) (local.get $b))
    (global.set $out (i32.add (global.get $out) (i32.const 1))))

  ;; Bytes [at, at + len) of memory.
  (func $copy (param $at i32) (param $len i32)
    (memory.copy (global.get $out) (local.get $at) (local.get $len))
    (global.set $out (i32.add (global.get $out) (local.get $len))))

  ;; An unsigned 32-bit number in decimal.
  (func $u32 (param $v i32)
    (local $digits i32) (local $t i32) (local $p i32)
    ;; Count the digits.
    (local.set $digits (i32.const 1))
    (local.set $t (local.get $v))
    (block $done (loop $more
      (br_if $done (i32.lt_u (local.get $t) (i32.const 10)))
      (local.set $t (i32.div_u (local.get $t) (i32.const 10)))
      (local.set $digits (i32.add (local.get $digits) (i32.const 1)))
      (br $more)))
    (local.set $p (i32.add (global.get $out) (local.get $digits)))
    (global.set $out (local.get $p))
    (loop $digit
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p) (i32.add (i32.const 48) (i32.rem_u (local.get $v) (i32.const 10))))
      (local.set $v (i32.div_u (local.get $v) (i32.const 10)))
      (br_if $digit (local.get $v))))

  ;; A signed 32-bit number in decimal.
  (func $i32 (param $v i32)
    (if (i32.lt_s (local.get $v) (i32.const 0))
      (then (call $byte (i32.const 45)) (call $u32 (i32.sub (i32.const 0) (local.get $v))))
      (else (call $u32 (local.get $v)))))

  ;; A literal kept in the data segment below: offset, length.
  (func $lit (param $at i32) (param $len i32) (call $copy (local.get $at) (local.get $len)))

  ;; The description, bytes [start, end) of the source, as JSON.stringify writes an ASCII string (without its
  ;; quotes). Returns 0 on a byte outside ASCII (the caller writes that record).
  (func $desc (param $p i32) (param $end i32) (result i32)
    (local $c i32) (local $o i32)
    (local.set $o (global.get $out))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
      (local.set $c (i32.load8_u (local.get $p)))
      (if (i32.ge_u (local.get $c) (i32.const 0x80)) (then (global.set $out (local.get $o)) (return (i32.const 0))))
      (if (i32.and (i32.ge_u (local.get $c) (i32.const 0x20)) (i32.and (i32.ne (local.get $c) (i32.const 0x22)) (i32.ne (local.get $c) (i32.const 0x5c))))
        (then (i32.store8 (local.get $o) (local.get $c)) (local.set $o (i32.add (local.get $o) (i32.const 1))))
        (else
          (global.set $out (local.get $o))
          (call $escape (local.get $c))
          (local.set $o (global.get $out))))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $next)))
    (global.set $out (local.get $o))
    (i32.const 1))

  ;; JSON.stringify's escape of '"', '\' or a control character.
  (func $escape (param $c i32)
    (call $byte (i32.const 0x5c))
    (if (i32.eq (local.get $c) (i32.const 0x22)) (then (call $byte (i32.const 0x22)) (return)))
    (if (i32.eq (local.get $c) (i32.const 0x5c)) (then (call $byte (i32.const 0x5c)) (return)))
    (if (i32.eq (local.get $c) (i32.const 0x08)) (then (call $byte (i32.const 0x62)) (return)))  ;; \b
    (if (i32.eq (local.get $c) (i32.const 0x09)) (then (call $byte (i32.const 0x74)) (return)))  ;; \t
    (if (i32.eq (local.get $c) (i32.const 0x0a)) (then (call $byte (i32.const 0x6e)) (return)))  ;; \n
    (if (i32.eq (local.get $c) (i32.const 0x0c)) (then (call $byte (i32.const 0x66)) (return)))  ;; \f
    (if (i32.eq (local.get $c) (i32.const 0x0d)) (then (call $byte (i32.const 0x72)) (return)))  ;; \r
    ;; \u00XX, lowercase hex
    (call $byte (i32.const 0x75)) (call $byte (i32.const 0x30)) (call $byte (i32.const 0x30))
    (call $byte (i32.add (i32.const 0x30) (i32.shr_u (local.get $c) (i32.const 4))))
    (call $byte (i32.load8_u (i32.add (i32.const 0) (i32.and (local.get $c) (i32.const 15))))))

  ;; The non-negative number of at most 9 digits in source bytes [p, end), or -1 (payloadLength.ts digitsValue).
  (func $digits (param $p i32) (param $end i32) (result i32)
    (local $v i32) (local $c i32)
    (if (i32.or (i32.le_s (local.get $end) (local.get $p)) (i32.gt_s (i32.sub (local.get $end) (local.get $p)) (i32.const 9)))
      (then (return (i32.const -1))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
      (local.set $c (i32.sub (i32.load8_u (local.get $p)) (i32.const 0x30)))
      (if (i32.gt_u (local.get $c) (i32.const 9)) (then (return (i32.const -1))))
      (local.set $v (i32.add (i32.mul (local.get $v) (i32.const 10)) (local.get $c)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $next)))
    (local.get $v))

  ;; payloadLength.ts payloadLengthFromSuffix over source bytes [p, end): the length, or -1 for none.
  (func $payloadLength (param $form i32) (param $p i32) (param $end i32) (result i32)
    (local $from i32) (local $n i32)
    (if (i32.or (i32.lt_s (i32.sub (local.get $end) (local.get $p)) (i32.const 3))
          (i32.or (i32.ne (i32.load8_u (local.get $p)) (i32.const 0x3a)) (i32.ne (i32.load8_u (i32.add (local.get $p) (i32.const 1))) (i32.const 0x20))))
      (then (return (i32.const -1))))
    (local.set $from (i32.add (local.get $p) (i32.const 2)))
    (if (i32.eq (local.get $form) (i32.const 1)) (then (return (call $digits (local.get $from) (local.get $end)))))
    (if (i32.eq (local.get $form) (i32.const 2))
      (then
        ;; "empty"
        (if (i32.and (i32.eq (i32.sub (local.get $end) (local.get $from)) (i32.const 5))
              (i32.and (i32.eq (i32.load (local.get $from)) (i32.const 0x74706d65)) (i32.eq (i32.load8_u (i32.add (local.get $from) (i32.const 4))) (i32.const 0x79))))
          (then (return (i32.const 0))))
        (local.set $n (call $digits (local.get $from) (local.get $end)))
        (return (select (i32.mul (local.get $n) (i32.const 4)) (i32.const -1) (i32.ge_s (local.get $n) (i32.const 0))))))
    (if (i32.eq (local.get $form) (i32.const 3))
      (then
        ;; ": <n> [buff]" or ": <n> [file]"
        (if (i32.le_s (i32.sub (local.get $end) (local.get $from)) (i32.const 7)) (then (return (i32.const -1))))
        (if (i32.eqz (i32.and (i32.eq (i32.load8_u (i32.sub (local.get $end) (i32.const 7))) (i32.const 0x20))
                (i32.and (i32.eq (i32.load8_u (i32.sub (local.get $end) (i32.const 6))) (i32.const 0x5b))
                         (i32.eq (i32.load8_u (i32.sub (local.get $end) (i32.const 1))) (i32.const 0x5d)))))
          (then (return (i32.const -1))))
        (if (i32.eqz (i32.or (i32.eq (i32.load (i32.sub (local.get $end) (i32.const 5))) (i32.const 0x66667562))    ;; "buff"
                             (i32.eq (i32.load (i32.sub (local.get $end) (i32.const 5))) (i32.const 0x656c6966))))  ;; "file"
          (then (return (i32.const -1))))
        (return (call $digits (local.get $from) (i32.sub (local.get $end) (i32.const 7))))))
    (i32.const -1))

  ;; Writes records of order[i] for i from `i` on, separated by commas (a comma before the first unless i is 0),
  ;; until i = m, a record the caller must write, or the output area is nearly full. Returns i.
  (func (export "write") (param $i i32) (param $m i32) (result i32)
    (local $row i32) (local $r4 i32) (local $t i32) (local $tk i32) (local $start i32) (local $end i32)
    (local $inA i32) (local $inB i32) (local $links i32) (local $count i32) (local $k i32) (local $usage i32)
    (local $mark i32) (local $pl i32) (local $need i32) (local $seen i32) (local $seenLen i32)
    (global.set $out (global.get $outStart))
    (block $stop (loop $next
      (br_if $stop (i32.ge_u (local.get $i) (local.get $m)))
      (local.set $row (i32.load (i32.add (global.get $order) (i32.shl (local.get $i) (i32.const 2)))))
      (local.set $r4 (i32.shl (local.get $row) (i32.const 2)))
      (br_if $stop (i32.load8_u (i32.add (global.get $special) (local.get $row))))
      (local.set $t (i32.load (i32.add (global.get $typeIndex) (local.get $r4))))
      (br_if $stop (i32.or (i32.lt_s (local.get $t) (i32.const 0)) (i32.ge_s (local.get $t) (global.get $typeCount))))
      (local.set $tk (i32.load8_u (i32.add (global.get $typeKind) (local.get $t))))
      (br_if $stop (i32.eqz (i32.and (local.get $tk) (i32.const 8))))
      (br_if $stop (i32.ne (i32.load (i32.add (global.get $timeoutIndex) (local.get $r4))) (global.get $permTimeout)))
      (br_if $stop (i32.eqz (i32.load8_u (i32.add (global.get $plainFlags) (i32.load8_u (i32.add (global.get $flagMask) (local.get $row)))))))
      (br_if $stop (i32.ne (i32.load (i32.add (global.get $sourceIndex) (local.get $r4))) (global.get $mainSource)))
      (local.set $start (i32.load (i32.add (global.get $descStart) (local.get $r4))))
      (local.set $end (i32.load (i32.add (global.get $descEnd) (local.get $r4))))
      (br_if $stop (i32.lt_s (local.get $end) (i32.const 0)))
      (local.set $inA (i32.load (i32.add (global.get $inStart) (local.get $r4))))
      (local.set $inB (i32.load (i32.add (global.get $inStart) (i32.add (local.get $r4) (i32.const 4)))))
      (local.set $usage (i32.load (i32.add (global.get $usage) (local.get $r4))))
      ;; Held by nothing visible: doomed 'unpinned' (pins.ts doomOf), written by the caller.
      (br_if $stop (i32.and (i32.eq (local.get $inA) (local.get $inB)) (i32.le_s (local.get $usage) (i32.const 0))))
      (local.set $count (i32.const -2))
      (if (i32.and (local.get $tk) (i32.const 4))
        (then (local.set $count (i32.load (i32.add (global.get $linkCount) (local.get $r4))))))
      ;; Its views' labels: the JSON of its list (none without views).
      (if (global.get $seenByCount)
        (then
          (local.set $seen (i32.shl (i32.load (i32.add (global.get $seenBy) (local.get $r4))) (i32.const 3)))
          (br_if $stop (i32.ge_u (local.get $seen) (i32.shl (global.get $seenByCount) (i32.const 3))))
          (local.set $seenLen (i32.load (i32.add (global.get $seenByJson) (i32.add (local.get $seen) (i32.const 4)))))))
      ;; Room for the longest such record: fixed parts, the description escaped (6 bytes a byte at most),
      ;; its inbound pins, its members and its labels.
      (local.set $need (i32.add (i32.add (i32.const 1024) (local.get $seenLen))
        (i32.add (i32.mul (i32.sub (local.get $end) (local.get $start)) (i32.const 6))
          (i32.add (i32.mul (i32.sub (local.get $inB) (local.get $inA)) (i32.const 40))
            (i32.mul (select (local.get $count) (i32.const 0) (i32.gt_s (local.get $count) (i32.const 0))) (i32.const 11))))))
      (if (i32.gt_u (local.get $need) (i32.sub (global.get $outEnd) (global.get $outStart)))
        (then (br $stop)))  ;; too long for the area: the caller writes it
      (br_if $stop (i32.gt_u (local.get $need) (i32.sub (global.get $outEnd) (global.get $out))))
      (local.set $mark (global.get $out))
      (if (local.get $i) (then (call $byte (i32.const 0x2c))))
      (call $lit (i32.const 16) (i32.const 6))  ;; {"id":
      (call $u32 (i32.load (i32.add (global.get $id) (local.get $r4))))
      (call $lit (i32.const 22) (i32.const 8))  ;; ,"type":
      (call $copy
        (i32.load (i32.add (global.get $typeJson) (i32.shl (local.get $t) (i32.const 3))))
        (i32.load (i32.add (global.get $typeJson) (i32.add (i32.shl (local.get $t) (i32.const 3)) (i32.const 4)))))
      (call $lit (i32.const 30) (i32.const 16))  ;; ,"description":"
      (if (i32.eqz (call $desc (i32.add (global.get $source) (local.get $start)) (i32.add (global.get $source) (local.get $end))))
        (then (global.set $out (local.get $mark)) (br $stop)))
      (call $lit (i32.const 46) (i32.const 8))  ;; ","uid":
      (call $u32 (i32.load (i32.add (global.get $uid) (local.get $r4))))
      (call $lit (i32.const 54) (i32.const 7))  ;; ,"gid":
      (call $u32 (i32.load (i32.add (global.get $gid) (local.get $r4))))
      (call $lit (i32.const 61) (i32.const 8))  ;; ,"perm":
      (call $u32 (i32.load (i32.add (global.get $perm) (local.get $r4))))
      (call $lit (i32.const 69) (i32.const 10))  ;; ,"flags":"
      (call $flags (i32.load8_u (i32.add (global.get $flagMask) (local.get $row))))
      (call $lit (i32.const 79) (i32.const 10))  ;; ","usage":
      (call $i32 (local.get $usage))
      (call $lit (i32.const 89) (i32.const 32))  ;; ,"timeout":"perm","expiry":null,
      (call $lit (i32.const 122) (i32.const 12))  ;; "possessed":
      (call $bool (i32.eq (i32.load8_u (i32.add (global.get $possessed) (local.get $row))) (i32.const 1)))
      (call $lit (i32.const 134) (i32.const 10))  ;; ,"orphan":
      (call $bool (i32.eqz (i32.eq (i32.load8_u (i32.add (global.get $reachable) (local.get $row))) (i32.const 1))))
      (call $lit (i32.const 144) (i32.const 9))  ;; ,"pins":[
      (local.set $k (local.get $inA))
      (block $pdone (loop $pnext
        (br_if $pdone (i32.ge_u (local.get $k) (local.get $inB)))
        (if (i32.ne (local.get $k) (local.get $inA)) (then (call $byte (i32.const 0x2c))))
        (call $lit (i32.const 153) (i32.const 22))  ;; {"kind":"link","from":
        (call $u32 (i32.load (i32.add (global.get $inRing) (i32.shl (local.get $k) (i32.const 2)))))
        (call $byte (i32.const 0x7d))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $pnext)))
      (local.set $usage (i32.sub (local.get $usage) (i32.sub (local.get $inB) (local.get $inA))))
      (if (i32.gt_s (local.get $usage) (i32.const 0))
        (then
          (if (i32.ne (local.get $inA) (local.get $inB)) (then (call $byte (i32.const 0x2c))))
          (call $lit (i32.const 176) (i32.const 30))  ;; {"kind":"credentials","count":
          (call $u32 (local.get $usage))
          (call $byte (i32.const 0x7d))))
      (call $lit (i32.const 206) (i32.const 15))  ;; ],"doomed":null
      (if (i32.and (local.get $tk) (i32.const 3))
        (then
          (local.set $pl (call $payloadLength (i32.and (local.get $tk) (i32.const 3))
            (i32.add (global.get $source) (local.get $end))
            (i32.add (global.get $source) (i32.load (i32.add (global.get $restEnd) (local.get $r4))))))
          (if (i32.ge_s (local.get $pl) (i32.const 0))
            (then
              (call $lit (i32.const 221) (i32.const 17))  ;; ,"payloadLength":
              (call $u32 (local.get $pl))))))
      (if (i32.ne (local.get $count) (i32.const -2))
        (then
          (call $lit (i32.const 240) (i32.const 9))  ;; ,"links":
          (if (i32.lt_s (local.get $count) (i32.const 0))
            (then (call $lit (i32.const 250) (i32.const 4)))  ;; null
            (else
              (call $byte (i32.const 0x5b))
              (local.set $links (i32.add (global.get $links)
                (i32.shl (i32.load (i32.add (global.get $linkStart) (local.get $r4))) (i32.const 2))))
              (local.set $k (i32.const 0))
              (block $ldone (loop $lnext
                (br_if $ldone (i32.ge_s (local.get $k) (local.get $count)))
                (if (local.get $k) (then (call $byte (i32.const 0x2c))))
                (call $u32 (i32.load (i32.add (local.get $links) (i32.shl (local.get $k) (i32.const 2)))))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $lnext)))
              (call $byte (i32.const 0x5d))))))
      (if (global.get $seenByCount)
        (then
          (call $lit (i32.const 270) (i32.const 10))  ;; ,"seenBy":
          (call $copy (i32.load (i32.add (global.get $seenByJson) (local.get $seen))) (local.get $seenLen))))
      (call $byte (i32.const 0x7d))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next)))
    (local.get $i))

  ;; Bytes written by the last write().
  (func (export "written") (result i32) (i32.sub (global.get $out) (global.get $outStart)))

  ;; The 7 flag letters of a mask ("IRDQUNi", '-' where unset).
  (func $flags (param $mask i32)
    (local $k i32)
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $k) (i32.const 7)))
      (call $byte (select
        (i32.load8_u (i32.add (i32.const 254) (local.get $k)))
        (i32.const 0x2d)
        (i32.and (i32.shr_u (local.get $mask) (local.get $k)) (i32.const 1))))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $next))))

  (func $bool (param $b i32)
    (if (local.get $b) (then (call $lit (i32.const 261) (i32.const 4))) (else (call $lit (i32.const 265) (i32.const 5)))))

  ;; Offsets 0-15: hex digits; then the record's literals at the offsets write() names; the caller's columns
  ;; start at 512.
  (data (i32.const 0) "0123456789abcdef")
  (data (i32.const 16) "{\"id\":")
  (data (i32.const 22) ",\"type\":")
  (data (i32.const 30) ",\"description\":\"")
  (data (i32.const 46) "\",\"uid\":")
  (data (i32.const 54) ",\"gid\":")
  (data (i32.const 61) ",\"perm\":")
  (data (i32.const 69) ",\"flags\":\"")
  (data (i32.const 79) "\",\"usage\":")
  (data (i32.const 89) ",\"timeout\":\"perm\",\"expiry\":null,")
  (data (i32.const 122) "\"possessed\":")
  (data (i32.const 134) ",\"orphan\":")
  (data (i32.const 144) ",\"pins\":[")
  (data (i32.const 153) "{\"kind\":\"link\",\"from\":")
  (data (i32.const 176) "{\"kind\":\"credentials\",\"count\":")
  (data (i32.const 206) "],\"doomed\":null")
  (data (i32.const 221) ",\"payloadLength\":")
  (data (i32.const 240) ",\"links\":")
  (data (i32.const 250) "null")
  (data (i32.const 254) "IRDQUNi")
  (data (i32.const 261) "true")
  (data (i32.const 265) "false")
  (data (i32.const 270) ",\"seenBy\":"))
