;; Finds where the needed members of a JSON object are, at its top level and inside the objects
;; that are their values, without parsing it: see members.ts.
;; Strings are stepped over 16 bytes at a time (SIMD): most of a JSON line is strings. Any byte
;; up to a space counts as whitespace: outside strings JSON allows no other control character.
(module
  (memory (export "memory") 2)
  ;; The class of each byte value (see members): 1 whitespace (and control bytes, which JSON
  ;; allows only in strings), 2 quote, 3 colon, 4 opening brace or bracket, 5 comma, 6 closing
  ;; brace, 7 closing bracket, 0 any other (bytes from 128 too, which memory starts as). The key
  ;; tables begin after it, at 256.
  (data (i32.const 0)
    "\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01"
    "\01\00\02\00\00\00\00\00\00\00\00\00\05\00\00\00\00\00\00\00\00\00\00\00\00\00\03\00\00\00\00\00"
    "\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\04\00\07\00\00"
    "\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\04\00\06\00\00")
  ;; The entry of the key table at `table` whose key the bytes [from, to) spell, or 0. A table is
  ;; its count of keys, then for each key 16 bytes: where its text is, its signature (see
  ;; members.ts: its length and its first and last bytes, which tell most keys apart at once), the
  ;; table of the keys needed inside its value (0 for none) and its slot in the results.
  (func $entry (param $from i32) (param $to i32) (param $table i32) (result i32)
    (local $at i32) (local $last i32) (local $len i32) (local $signature i32) (local $text i32) (local $j i32)
    (local.set $len (i32.sub (local.get $to) (local.get $from)))
    (if (local.get $len) (then
      (local.set $signature (i32.or (local.get $len) (i32.or
        (i32.shl (i32.load8_u (local.get $from)) (i32.const 16))
        (i32.shl (i32.load8_u (i32.sub (local.get $to) (i32.const 1))) (i32.const 24)))))))
    (local.set $at (i32.add (local.get $table) (i32.const 4)))
    (local.set $last (i32.add (local.get $at) (i32.shl (i32.load (local.get $table)) (i32.const 4))))
    (loop $key
      (if (i32.ge_u (local.get $at) (local.get $last)) (then (return (i32.const 0))))
      (if (i32.eq (i32.load offset=4 (local.get $at)) (local.get $signature)) (then
        (local.set $text (i32.load (local.get $at)))
        (local.set $j (i32.const 0))
        (block $differ
          (loop $byte
            (if (i32.ge_u (local.get $j) (local.get $len)) (then (return (local.get $at))))
            (br_if $differ (i32.ne
              (i32.load8_u (i32.add (local.get $from) (local.get $j)))
              (i32.load8_u (i32.add (local.get $text) (local.get $j)))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $byte)))))
      (local.set $at (i32.add (local.get $at) (i32.const 16)))
      (br $key))
    (i32.const 0))

  ;; Keeps a member's value in its entry's slot: its start, its end and whether a string in it
  ;; held an escape. False when the slot is taken: the key was written twice.
  (func $keep (param $entry i32) (param $out i32) (param $start i32) (param $end i32) (param $escaped i32) (result i32)
    (local $slot i32)
    (if (i32.eqz (local.get $entry)) (then (return (i32.const 1))))
    (local.set $slot (i32.add (local.get $out) (i32.mul (i32.load offset=12 (local.get $entry)) (i32.const 12))))
    (if (i32.load (local.get $slot)) (then (return (i32.const 0))))
    (i32.store (local.get $slot) (local.get $start))
    (i32.store offset=4 (local.get $slot) (local.get $end))
    (i32.store offset=8 (local.get $slot) (local.get $escaped))
    (i32.const 1))

  ;; The object in [p, end), with nothing but whitespace around it, read to the keys of `table`
  ;; at its top level and to those of their own tables inside objects that are their values: for
  ;; each such member, its slot (of `slots`, at out + 12 * slot) gets the start and end of its value,
  ;; without the whitespace around it, and whether a string in it held an escape; the slots of
  ;; members it lacks stay zero. Returns 0, or -1 when it cannot tell: not an object, cut short,
  ;; a key written twice, or a key at those places written with an escape (it could spell one
  ;; of the table's). It checks the structure no further: a line JSON.parse refuses may be read.
  (func (export "members") (param $p i32) (param $end i32) (param $table i32) (param $out i32) (param $slots i32) (result i32)
    (local $c i32) (local $depth i32) (local $q i32) (local $last i32)
    ;; The member being read at the top (1) and inside a needed object (2): its entry, whether a
    ;; key comes next, where its value starts and whether a string in that held an escape.
    (local $entry1 i32) (local $expectKey1 i32) (local $start1 i32) (local $escaped1 i32)
    (local $inner i32) (local $entry2 i32) (local $expectKey2 i32) (local $start2 i32) (local $escaped2 i32)
    ;; The string being stepped over: whether it holds a backslash, and the bytes at hand.
    (local $escaped i32) (local $mask i32) (local $bytes v128)
    (memory.fill (local.get $out) (i32.const 0) (i32.mul (local.get $slots) (i32.const 12)))
    (loop $next
      (if (i32.ge_u (local.get $p) (local.get $end)) (then (return (i32.const -1))))
      (local.set $c (i32.load8_u (local.get $p)))
      ;; What the byte is (its class, from the table at 0): other, whitespace, quote, colon, opening
      ;; brace or bracket, comma, closing brace, closing bracket.
      (block $closing (block $memberEnd (block $open (block $colon (block $quote (block $space (block $other
        (br_table $other $space $quote $colon $open $memberEnd $memberEnd $closing
          (i32.load8_u offset=0 (local.get $c))))
        ;; Any other byte: part of a number, true, false or null.
        (if (i32.eqz (local.get $depth)) (then (return (i32.const -1))))
        (local.set $last (local.get $p))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $next))
        ;; Whitespace.
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $next))
        ;; A string: a key where one is read, else part of a value.
        (if (i32.eqz (local.get $depth)) (then (return (i32.const -1))))
        ;; Its closing quote: the first quote not after a backslash, found 16 bytes at a time.
        (local.set $q (i32.add (local.get $p) (i32.const 1)))
        (local.set $escaped (i32.const 0))
        (block $closed
          (loop $scan
            (if (i32.ge_u (local.get $q) (local.get $end)) (then (return (i32.const -1))))
            (local.set $bytes (v128.load (local.get $q)))
            (local.set $mask (i8x16.bitmask (v128.or
              (i8x16.eq (local.get $bytes) (i8x16.splat (i32.const 34)))
              (i8x16.eq (local.get $bytes) (i8x16.splat (i32.const 92))))))
            (if (i32.eqz (local.get $mask)) (then
              (local.set $q (i32.add (local.get $q) (i32.const 16)))
              (br $scan)))
            (local.set $q (i32.add (local.get $q) (i32.ctz (local.get $mask))))
            (if (i32.ge_u (local.get $q) (local.get $end)) (then (return (i32.const -1))))
            (br_if $closed (i32.eq (i32.load8_u (local.get $q)) (i32.const 34)))
            (local.set $escaped (i32.const 1))
            (local.set $q (i32.add (local.get $q) (i32.const 2)))
            (br $scan)))
        (block $string
          (if (i32.and (i32.eq (local.get $depth) (i32.const 1)) (local.get $expectKey1)) (then
            (if (local.get $escaped) (then (return (i32.const -1))))
            (local.set $entry1 (call $entry (i32.add (local.get $p) (i32.const 1)) (local.get $q) (local.get $table)))
            (local.set $expectKey1 (i32.const 0))
            (br $string)))
          (if (i32.and (i32.eq (local.get $depth) (i32.const 2)) (i32.and (i32.ne (local.get $inner) (i32.const 0)) (local.get $expectKey2))) (then
            (if (local.get $escaped) (then (return (i32.const -1))))
            (local.set $entry2 (call $entry (i32.add (local.get $p) (i32.const 1)) (local.get $q) (local.get $inner)))
            (local.set $expectKey2 (i32.const 0))
            (br $string)))
          (local.set $escaped1 (i32.or (local.get $escaped1) (local.get $escaped)))
          (local.set $escaped2 (i32.or (local.get $escaped2) (local.get $escaped))))
        (local.set $last (local.get $q))
        (local.set $p (i32.add (local.get $q) (i32.const 1)))
        (br $next))
        ;; A colon: a value starts at the next byte that is not whitespace.
        (local.set $q (i32.add (local.get $p) (i32.const 1)))
        (loop $space
          (if (i32.and (i32.lt_u (local.get $q) (local.get $end))
                       (i32.le_u (i32.load8_u (local.get $q)) (i32.const 32))) (then
            (local.set $q (i32.add (local.get $q) (i32.const 1)))
            (br $space))))
        (if (i32.eq (local.get $depth) (i32.const 1)) (then
          (local.set $start1 (local.get $q))
          (local.set $escaped1 (i32.const 0))))
        (if (i32.eq (local.get $depth) (i32.const 2)) (then
          (local.set $start2 (local.get $q))
          (local.set $escaped2 (i32.const 0))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $next))
        ;; An opening brace or bracket.
        (if (i32.and (i32.eqz (local.get $depth)) (i32.eq (local.get $c) (i32.const 91))) (then (return (i32.const -1))))
        (local.set $depth (i32.add (local.get $depth) (i32.const 1)))
        (if (i32.eq (local.get $depth) (i32.const 1)) (then (local.set $expectKey1 (i32.const 1))))
        ;; An object that is the value of a needed key with keys of its own: read it too.
        (if (i32.and
              (i32.and (i32.eq (local.get $depth) (i32.const 2)) (i32.eq (local.get $c) (i32.const 123)))
              (i32.and (i32.ne (local.get $entry1) (i32.const 0)) (i32.eq (local.get $p) (local.get $start1)))) (then
          (local.set $inner (i32.load offset=8 (local.get $entry1)))
          (local.set $expectKey2 (i32.const 1))))
        (local.set $last (local.get $p))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $next))
        ;; A comma or a closing brace: the end of a member, kept when its key is needed.
        (if (i32.eqz (local.get $depth)) (then (return (i32.const -1))))
        (if (i32.eq (local.get $depth) (i32.const 1)) (then
          (if (i32.eqz (call $keep (local.get $entry1) (local.get $out) (local.get $start1) (i32.add (local.get $last) (i32.const 1)) (local.get $escaped1)))
            (then (return (i32.const -1))))
          (local.set $entry1 (i32.const 0))
          (local.set $expectKey1 (i32.const 1))))
        (if (i32.and (i32.eq (local.get $depth) (i32.const 2)) (i32.ne (local.get $inner) (i32.const 0))) (then
          (if (i32.eqz (call $keep (local.get $entry2) (local.get $out) (local.get $start2) (i32.add (local.get $last) (i32.const 1)) (local.get $escaped2)))
            (then (return (i32.const -1))))
          (local.set $entry2 (i32.const 0))
          (local.set $expectKey2 (i32.const 1))))
        (if (i32.eq (local.get $c) (i32.const 44)) (then
          (local.set $last (local.get $p))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br $next))))
      ;; A closing brace or bracket.
      (if (i32.eqz (local.get $depth)) (then (return (i32.const -1))))
      (local.set $depth (i32.sub (local.get $depth) (i32.const 1)))
      (if (i32.eq (local.get $depth) (i32.const 1)) (then (local.set $inner (i32.const 0))))
      (if (i32.eqz (local.get $depth)) (then
        ;; The object ends here: nothing but whitespace may follow.
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (loop $trail
          (if (i32.ge_u (local.get $p) (local.get $end)) (then (return (i32.const 0))))
          (if (i32.le_u (i32.load8_u (local.get $p)) (i32.const 32)) (then
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $trail))))
        (return (i32.const -1))))
      (local.set $last (local.get $p))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $next))
    (i32.const -1))
)
