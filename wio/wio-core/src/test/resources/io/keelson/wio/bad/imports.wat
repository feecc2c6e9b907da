;; Not an actor: it imports a host function.
(module
  (import "env" "exec" (func $exec (param i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "input") (result i32) (i32.const 1024))
  (func (export "output") (result i32) (i32.const 2048))
  (func (export "init"))
  (func (export "configure") (param i32) (result i32) (i32.const 0))
  (func (export "process") (param $n i32) (result i32) (call $exec (local.get $n))))
