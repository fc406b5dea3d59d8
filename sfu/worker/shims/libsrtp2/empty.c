/* Intentionally empty: see meson.build. */
typedef int shim_empty_translation_unit;
