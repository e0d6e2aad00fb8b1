"""Shapes typed by students and the playground tensor (core/tensors/shapes.py).

The shape grammar is checked against shapes built here from their parts.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import LabError
from core.i18n import table
from core.tensors.shapes import make_tensor, parse_broadcast_shape, parse_shape, parse_target_shape

# --------------------------------------------------------------------------------------
# Shapes and the tensor.


@pytest.mark.parametrize(
    "text, shape",
    [
        ("3, 4", (3, 4)),
        ("(3, 4)", (3, 4)),
        ("[2, 2, 2]", (2, 2, 2)),
        ("4x1", (4, 1)),
        ("8", (8,)),
        (" 1 , 8 ,", (1, 8)),
        ("(3,)", (3,)),
    ],
)
def test_shape_text_forms(text, shape):
    assert parse_shape(text) == shape


@pytest.mark.parametrize(
    "text", ["", "()", "9", "0, 2", "1,1,1,1,1", "3.5", "a", "1e3", "2**3", "-1", "3" * 61, "__import__('os')"]
)
def test_shape_text_rejected(text):
    with pytest.raises(LabError):
        parse_shape(text)


def test_arange_pattern_values_are_flat_indices():
    np.testing.assert_array_equal(make_tensor((2, 3), "arange").ravel(), np.arange(6))


def test_rand_pattern_is_rounded_and_reproducible():
    x = make_tensor((4, 4), "rand", 7)
    np.testing.assert_array_equal(x, make_tensor((4, 4), "rand", 7))
    np.testing.assert_allclose(x, x.round(2), rtol=0, atol=0)
    assert ((x >= 0) & (x < 1)).all()


def test_unknown_pattern_is_refused():
    with pytest.raises(LabError):
        make_tensor((2,), "ones")


# --------------------------------------------------------------------------------------
# The shape grammar.


@pytest.mark.parametrize("text", ["x", ",", "x x", "x,", "(,)", "[x]", " × "])
def test_text_without_numbers_is_not_the_scalar_shape(text):
    with pytest.raises(LabError) as err:
        parse_broadcast_shape(text)
    assert err.value.key == "tens.err.shape_no_numbers"
    assert "x, 3, 4" not in err.value.message("pt")


@pytest.mark.parametrize("parse", [parse_shape, parse_target_shape, parse_broadcast_shape])
def test_x_alone_is_refused_by_every_shape_box(parse):
    with pytest.raises(LabError):
        parse("x")


@pytest.mark.parametrize("text", ["", " ", "\t"])
def test_empty_box_is_an_error_that_says_how_to_write_a_scalar(text):
    with pytest.raises(LabError) as err:
        parse_broadcast_shape(text)
    assert err.value.key == "tens.err.shape_empty_scalar"
    assert "()" in err.value.message("pt") and "()" in err.value.message("en")


def test_empty_box_for_x_does_not_mention_scalars():
    with pytest.raises(LabError) as err:
        parse_shape("")
    assert err.value.key == "tens.err.shape_empty"


@pytest.mark.parametrize("text", ["()", "[]", "( )", " () "])
def test_scalar_shape_is_written_with_brackets(text):
    assert parse_broadcast_shape(text) == ()
    assert parse_target_shape(text) == ()


@pytest.mark.parametrize("text", ["3,,4", "x3", "3x", "3,4,,", ", 3", "3 , , 4", "3xx4", "3 x, 4"])
def test_numbers_badly_separated_are_refused(text):
    with pytest.raises(LabError) as err:
        parse_broadcast_shape(text)
    assert err.value.key == "tens.err.shape_separators"


@pytest.mark.parametrize("text", ["3.5", "a", "1e3", "2**3", "((3))", "(3", "3)", "3;4"])
def test_other_shape_syntax_errors_name_the_bad_part(text):
    with pytest.raises(LabError) as err:
        parse_broadcast_shape(text)
    assert err.value.key == "tens.err.shape_syntax"


SEPARATORS = [", ", ",", " , ", "x", " x ", "×", " ", "  "]


@given(
    dims=st.lists(st.integers(0, 10_000), min_size=1, max_size=6),
    seps=st.lists(st.sampled_from(SEPARATORS), min_size=5, max_size=5),
    brackets=st.sampled_from(["", "()", "[]"]),
    trailing=st.booleans(),
)
def test_any_well_written_shape_reads_back(dims, seps, brackets, trailing):
    body = str(dims[0]) + "".join(sep + str(d) for sep, d in zip(seps, dims[1:], strict=False))
    body += "," if trailing else ""
    text = f"{brackets[:1]}{body}{brackets[1:]}"
    assert parse_broadcast_shape(text) == tuple(dims)


def test_help_texts_say_how_to_write_a_scalar():
    for key in ("tens.bc.shape_help", "tens.target_help"):
        assert all("()" in text for text in table()[key]), key


# --------------------------------------------------------------------------------------
# The shared helpers at work: the one numbers parser reads the sizes, check_int the seed.


def test_shape_sizes_are_read_by_the_shared_numbers_parser(monkeypatch):
    """The form is the lab's (x between sizes, one separator), the numbers are parse_numbers'."""
    import core.tensors.shapes as shapes_module

    calls = []
    real = shapes_module.parse_numbers

    def spy(text, **options):
        calls.append((text, options["integer"]))
        return real(text, **options)

    monkeypatch.setattr(shapes_module, "parse_numbers", spy)
    assert parse_shape("4x3") == parse_shape("4×3") == parse_shape("(4, 3)") == (4, 3)
    assert calls == [("4,3", True), ("4,3", True), ("4, 3", True)]
    assert parse_broadcast_shape("()") == ()  # the scalar shape has no numbers to read
    assert len(calls) == 3


def test_seed_out_of_range_is_the_shared_integer_message():
    with pytest.raises(LabError) as err:
        make_tensor((2,), "rand", -1)
    assert err.value.key == "err.int_range"
    assert err.value.message("en").startswith("The seed must be a whole number from 0 to 4,294,967,295")
    assert err.value.message("pt").startswith("A semente deve ser um inteiro")


def test_seed_may_be_a_whole_float_or_a_numpy_integer():
    expected = make_tensor((3,), "rand", 5)
    np.testing.assert_array_equal(make_tensor((3,), "rand", 5.0), expected)
    np.testing.assert_array_equal(make_tensor((3,), "rand", np.int64(5)), expected)
