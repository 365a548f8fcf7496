//! Holds no code: the tests in `tests/` drive the `modbox` SDK.
