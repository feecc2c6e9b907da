;; Not an actor: an active data segment would overwrite its state whenever an instance is made.
(module
  (memory (export "memory") 1)
  (data (i32.const 0) "counter=0")
  (func (export "input") (result i32) (i32.const 1024))
  (func (export "output") (result i32) (i32.const 2048))
  (func (export "init"))
  (func (export "configure") (param i32) (result i32) (i32.const 0))
  (func (export "process") (param $n i32) (result i32) (i32.const 0)))
