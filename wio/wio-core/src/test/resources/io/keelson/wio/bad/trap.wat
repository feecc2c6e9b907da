;; An actor that traps: it reads far outside its memory.
(module
  (memory (export "memory") 1)
  (func (export "input") (result i32) (i32.const 1024))
  (func (export "output") (result i32) (i32.const 2048))
  (func (export "init"))
  (func (export "configure") (param i32) (result i32) (i32.const 0))
  (func (export "process") (param $n i32) (result i32)
    (i32.load (i32.const 0x7ffffff0))))
