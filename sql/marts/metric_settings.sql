-- The settings the published figures were computed with (relais.toml): earned media value's CPM,
-- CPC and currency, the ambassador score's weights, the champion threshold, the lapse delay and
-- the anonymity threshold of department-level figures.
SELECT * FROM (VALUES
    ('emv_currency', NULL, cfg_emv_currency()),
    ('emv_cpm', cfg_emv_cpm(), cfg_emv_currency() || ' per 1,000 impressions'),
    ('emv_cpc', cfg_emv_cpc(), cfg_emv_currency() || ' per click'),
    ('score_weight_activity', cfg_score_weight_activity(), 'weight'),
    ('score_weight_reach', cfg_score_weight_reach(), 'weight'),
    ('score_weight_engagement', cfg_score_weight_engagement(), 'weight'),
    ('score_weight_amplification', cfg_score_weight_amplification(), 'weight'),
    ('score_weight_consistency', cfg_score_weight_consistency(), 'weight'),
    ('tier_champion_score', cfg_tier_champion_score(), 'score (0-100)'),
    ('lapsed_after_months', cfg_lapsed_after_months(), 'months'),
    ('anonymity_threshold', cfg_anonymity_threshold(), 'enrolled ambassadors')
) AS settings(setting, value, unit)
