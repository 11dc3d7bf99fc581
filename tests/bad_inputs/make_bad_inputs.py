#!/usr/bin/python3
"""Writes the malformed prediction files of tests/bad_inputs/.

Each file is small and written byte for byte here, so that a rerun gives
identical files; what errscope must do with each is in catalogue.json and
checked by tests/cli/bad_inputs_test.cpp. Run from the repository root:

    /usr/bin/python3 tests/bad_inputs/make_bad_inputs.py
"""
import gzip
import io
import pathlib

HERE = pathlib.Path(__file__).resolve().parent

GOOD = b"label,pred,confidence\na,a,0.9\nb,a,0.6\nb,b,0.8\n"

FILES = {
    # CSV structure
    "ragged_short.csv": b"label,pred,confidence\na,a,0.9\nb,a\nb,b,0.8\n",
    "ragged_long.csv": b"label,pred,confidence\na,a,0.9\nb,a,0.6,extra\n",
    "unterminated_quote.csv": b"label,pred,confidence\na,a,0.9\n\"b,a,0.6\nb,b,0.8\n",
    "stray_quote.csv": b"label,pred,confidence\na,a,0.9\nb\"x,a,0.6\n",
    "text_after_closing_quote.csv": b"label,pred,confidence\n\"a\"x,a,0.9\n",
    "nul_in_cell.csv": b"label,pred,confidence\na\x00b,a,0.9\nb,b,0.8\n",
    "nul_in_header.csv": b"lab\x00el,pred,confidence\na,a,0.9\n",
    "invalid_utf8_label.csv": b"label,pred,confidence\n\xff\xfe,\xff\xfe,0.9\nb,a,0.6\n",
    "crlf_mixed_with_lf.csv": b"label,pred,confidence\r\na,a,0.9\nb,a,0.6\r\nb,b,0.8\n",
    "cr_only_line_ends.csv": b"label,pred,confidence\ra,a,0.9\rb,a,0.6\r",
    "header_only.csv": b"label,pred,confidence\n",
    "empty.csv": b"",
    "only_newlines.csv": b"\n\n\n",
    "duplicate_column_names.csv": b"label,pred,label\na,a,b\n",
    "empty_column_name.csv": b"label,,pred\na,x,a\nb,y,a\n",
    "empty_lines_between_rows.csv": b"label,pred,confidence\na,a,0.9\n\nb,a,0.6\n\n",
    "trailing_delimiter.csv": b"label,pred,confidence,\na,a,0.9,\nb,a,0.6,\n",
    "trailing_delimiter_rows_only.csv": b"label,pred,confidence\na,a,0.9,\nb,a,0.6,\n",
    "utf8_bom.csv": b"\xef\xbb\xbflabel,pred,confidence\na,a,0.9\nb,a,0.6\n",
    "no_final_newline.csv": b"label,pred,confidence\na,a,0.9\nb,a,0.6",
    "quoted_newline_in_label.csv": b"label,pred\n\"two\nlines\",\"two\nlines\"\nb,a\n",
    "labels_with_commas_quotes_emoji.csv":
        "label,pred,confidence\n\"a,b\",\"a,b\",0.9\n\"say \"\"hi\"\"\",\"a,b\",0.6\n"
        "\U0001F431,\U0001F431,0.8\n".encode(),
    "control_char_in_label.csv": b"label,pred\na\x01,a\x01\nb,a\n",
    "unicode_column_names.csv": "label,pred,caf\u00e9,\U0001F680\na,a,x,1\nb,a,y,2\n".encode(),
    "tsv_cells_with_commas.tsv": b"label\tpred\tnote\na,b\ta,b\tx,y\nc\tc\tz\n",
    # column roles and values
    "no_label_column.csv": b"truth_value,guess\na,b\n",
    "all_labels_empty.csv": b"label,pred\n,a\n,b\n",
    "confidence_nan.csv": b"label,pred,confidence\na,a,nan\n",
    "confidence_inf.csv": b"label,pred,confidence\na,a,inf\n",
    "confidence_above_one.csv": b"label,pred,confidence\na,a,1.5\n",
    "confidence_not_a_number.csv": b"label,pred,confidence\na,a,high\n",
    "confidence_negative_zero.csv": b"label,pred,confidence\na,a,-0\nb,a,0.6\n",
    "confidence_with_blanks.csv": b"label,pred,confidence\na,a, 0.9 \nb,a,0.6\n",
    "probability_negative.csv": b"label,pred,p_a,p_b\na,a,1.1,-0.1\n",
    "probabilities_not_summing_to_one.csv": b"label,pred,p_a,p_b\na,a,0.9,0.9\nb,b,0.1,0.2\n",
    "probability_missing_for_a_class.csv": b"label,pred,p_a,p_b\na,a,0.9,0.1\nc,c,0.5,0.5\n",
    "probability_cell_empty.csv": b"label,pred,p_a,p_b\na,a,0.9,\nb,b,0.1,0.9\n",
    "threshold_not_binary.csv": b"label,score\na,0.9\nb,0.2\nc,0.5\n",
    # JSON and JSON Lines
    "json_deep_nesting.json": b"[" * 100000 + b"]" * 100000,
    "json_deep_nesting_in_value.jsonl":
        b'{"label": "a", "pred": "a", "x": ' + b"[" * 5000 + b"]" * 5000 + b"}\n",
    "json_confidence_1e400.jsonl": b'{"label": "a", "pred": "a", "confidence": 1e400}\n',
    "json_confidence_nan.jsonl": b'{"label": "a", "pred": "a", "confidence": NaN}\n',
    "json_negative_zero.jsonl":
        b'{"label": "a", "pred": "a", "confidence": -0}\n{"label": "b", "pred": "a", "confidence": -0.0}\n',
    "json_not_an_object.json": b"42\n",
    "json_trailing_garbage.json": b'[{"label": "a", "pred": "a"}] x\n',
    "jsonl_bad_line.jsonl": b'{"label": "a", "pred": "a"}\n{"label": "b", "pred": \n{"label": "b", "pred": "b"}\n',
    "jsonl_line_not_an_object.jsonl": b'{"label": "a", "pred": "a"}\n["b", "b"]\n',
    "jsonl_duplicate_keys.jsonl": b'{"label": "a", "pred": "a", "label": "b"}\n',
    "jsonl_numbers_and_strings_as_labels.jsonl":
        b'{"label": 1, "pred": "1"}\n{"label": "1.0", "pred": 2}\n{"label": 2, "pred": 2.0}\n',
    "jsonl_object_as_feature.jsonl":
        b'{"label": "a", "pred": "a", "meta": {"k": [1, 2]}}\n{"label": "b", "pred": "a", "meta": null}\n',
    "jsonl_invalid_utf8.jsonl": b'{"label": "a\xff", "pred": "a"}\n',
    "jsonl_empty_lines.jsonl": b'\n{"label": "a", "pred": "a"}\n\n\n{"label": "b", "pred": "a"}\n\n',
    "jsonl_first_record_empty.jsonl": b'{}\n{"label": "a", "pred": "a"}\n',
    "json_first_record_empty.json": b'[{}, {"label": "a", "pred": "a"}]\n',
    "jsonl_proba_array_too_short.jsonl":
        b'{"label": "a", "probs": [0.9, 0.1]}\n{"label": "b", "probs": [0.2]}\n',
}


def gzip_bytes(data):
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0) as f:
        f.write(data)
    return out.getvalue()


def main():
    for name, data in FILES.items():
        (HERE / name).write_bytes(data)
    whole = gzip_bytes(GOOD * 200)
    (HERE / "truncated.csv.gz").write_bytes(whole[: len(whole) // 2])
    (HERE / "garbage_after_gzip_magic.csv.gz").write_bytes(b"\x1f\x8b" + b"not gzip data at all" * 10)
    (HERE / "gzip_of_nothing.csv.gz").write_bytes(gzip_bytes(b""))
    (HERE / "gzip_then_garbage.csv.gz").write_bytes(gzip_bytes(GOOD) + b"trailing junk")


if __name__ == "__main__":
    main()
