;; Not an actor: process takes two parameters.
(module
  (memory (export "memory") 1)
  (func (export "input") (result i32) (i32.const 1024))
  (func (export "output") (result i32) (i32.const 2048))
  (func (export "init"))
  (func (export "configure") (param i32) (result i32) (i32.const 0))
  (func (export "process") (param i32 i32) (result i32) (i32.const 0)))
