;; An actor whose process never returns: an infinite loop (the call's time limit must stop it).
(module
  (memory (export "memory") 2)
  (func (export "input") (result i32) (i32.const 1024))
  (func (export "output") (result i32) (i32.const 2048))
  (func (export "init"))
  (func (export "configure") (param i32) (result i32) (i32.const 0))
  (func (export "process") (param $n i32) (result i32)
    (loop $forever (br $forever))
    (i32.const 0)))
