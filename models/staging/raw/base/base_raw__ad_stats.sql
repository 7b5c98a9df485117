{{ config(materialized='view') }}

{{ commops.collapsed_raw('ad_stats') }}
