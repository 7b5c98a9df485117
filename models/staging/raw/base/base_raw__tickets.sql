{{ config(materialized='view') }}

{{ commops.collapsed_raw('tickets') }}
