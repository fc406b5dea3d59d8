// Intentionally empty: see meson.build.
namespace { [[maybe_unused]] int shim_empty_translation_unit; }
