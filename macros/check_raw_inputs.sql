{#- on-run-start: stop before any model is built when the raw inputs cannot be used, naming
    every problem at once. A RAW_DIR folder is checked by commops.exports (missing, duplicated,
    empty, header-only or unreadable exports, missing required columns: headers and a sample,
    not the data). Real exports (a folder, or `raw_source: tables` unless var
    raw_tables_are_demo says the tables hold the shipped demo) must not be hashed with the
    demo's public salt: an 11-digit phone hashed with a known salt can be reversed. -#}
{% macro check_raw_inputs() %}
    {%- if execute -%}
        {%- set raw_dir = env_var('RAW_DIR', '') | trim -%}
        {%- set problems = [] -%}
        {%- if raw_dir -%}
            {%- do problems.extend(commops.raw_dir_problems(raw_dir)) -%}
        {%- endif -%}
        {%- set real_tables = var('raw_source') == 'tables' and not var('raw_tables_are_demo') -%}
        {%- if (raw_dir or real_tables) and commops.pii_salt_is_public() -%}
            {%- do problems.append(
                "COMMOPS_PII_SALT is not set (or is the demo's public salt): phones and device"
                ~ " ids hashed with a public salt can be reversed. Set COMMOPS_PII_SALT to a"
                ~ " secret of your own before building from real exports.") -%}
        {%- endif -%}
        {%- if problems -%}
            {{ exceptions.raise_compiler_error(
                "The raw inputs cannot be used; nothing was built:\n  - "
                ~ problems | join("\n  - ")) }}
        {%- endif -%}
    {%- endif -%}
    select 1 as raw_inputs_checked
{%- endmacro %}
