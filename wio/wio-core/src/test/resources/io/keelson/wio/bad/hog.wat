;; An actor that grows its memory by a page on every record, far past any limit: growth fails at the slot's end.
(module
  (memory (export "memory") 1)
  (func (export "input") (result i32) (i32.const 1024))
  (func (export "output") (result i32) (i32.const 2048))
  (func (export "init"))
  (func (export "configure") (param i32) (result i32) (i32.const 0))
  (func (export "process") (param $n i32) (result i32)
    (if (i32.lt_s (memory.grow (i32.const 1)) (i32.const 0)) (then (unreachable)))
    (i32.const 0)))
