"""Hernandez, Kaplan, Henighan and McCandlish (2021), "Scaling Laws for Transfer", arXiv:2102.01293.

The paper itself was not read; its law, its Table 1 constants and its extrapolated numbers come from public study
notes (our study notes on scaling laws for transfer, section 1, status [V2]). So the law's forms (Eq. 1.1, B.2, C.1 in
the notes' numbering) and the numbers are `reconstructed`; their consequences (crossover, marginal value,
elasticities, exchange rate) are our own derivations (`derived`).

The law: the effective data transferred from pre-training is D_T = k D_F^alpha N^beta, with D_F the fine-tuning
data (characters of Python), N the non-embedding parameter count, 0 < alpha < 1, beta > 0; the effective data is
D_E = D_F + D_T. Table 1: text -> Python k = 1.9e4, alpha = 0.18, beta = 0.38; 50% text + 50% non-Python code ->
Python k = 2.1e5, alpha = 0.096, beta = 0.38. The law is claimed in the low-data regime only.
"""
import math

from boundlab.theory import UNIT_OPEN, Claim, Derivation, Domain, Param, Provenance

PAPER = dict(paper="hernandez2021", citation="Hernandez, Kaplan, Henighan and McCandlish (2021)", arxiv="2102.01293",
             title="Scaling Laws for Transfer")
NOTE = "our study notes on scaling laws for transfer"
RECONSTRUCTED = Provenance("reconstructed", **PAPER,
                           note=f"{NOTE}, section 1.2-1.4: the law's forms as restated by public study notes [V2]")
TABLE = Provenance("reconstructed", **PAPER,
                   note=f"{NOTE}, sections 1.3 and 1.8: Table 1 constants and the paper's extrapolated numbers, "
                        "from secondary study notes [V2], not checked against the paper's text")
DERIVED = Provenance("derived", **PAPER, note=f"{NOTE}, section 1.7 (our consequences of the law)")

POS_LOG = Domain(0, math.inf, lo_open=True, hi_open=True, scale="log")

# parameters
k = Param("k", POS_LOG, "k", "scale of the transferred data (characters)")
a = Param("a", UNIT_OPEN, r"\alpha", "exponent of the fine-tuning data")
b = Param("b", POS_LOG, r"\beta", "exponent of the model size")
D_F = Param("D_F", POS_LOG, "D_F", "fine-tuning data (characters)")
N = Param("N", POS_LOG, "N", "non-embedding parameters of the model")
c = Param("c", POS_LOG, "c", "factor by which the model size is multiplied")

LAW = (k, a, b, D_F, N)
D_T = "k*D_F**a*N**b"
D_E = f"D_F + {D_T}"
R = "k*D_F**(a - 1)*N**b"  # D_T / D_F

fraction_form = Claim(
    id="hernandez2021.fraction_form",
    title="Fraction of the effective data that comes from transfer",
    doc="Note section 1.4, Eq. B.2: D_T/(D_F + D_T) = r/(1 + r) with r = D_T/D_F = k D_F^(alpha - 1) N^beta.",
    lhs=f"{D_T}/(D_F + {D_T})", rel="=", rhs=f"{R}/(1 + {R})", params=LAW, provenance=RECONSTRUCTED,
)

logit_form = Claim(
    id="hernandez2021.logit_form",
    title="The logit of the transfer fraction is linear in the logs",
    doc="Note section 1.4: the fraction phi = D_T/(D_F + D_T) has phi/(1 - phi) = D_T/D_F, and "
        "logit(phi) = log k + (alpha - 1) log D_F + beta log N, linear in (log D_F, log N).",
    lhs=f"log({D_T}/D_F)", rel="=", rhs="log(k) + (a - 1)*log(D_F) + b*log(N)", params=LAW,
    provenance=RECONSTRUCTED,
)

crossover_model_size = Claim(
    id="hernandez2021.crossover_model_size",
    title="Eq. C.1 agrees with the law when N* is chosen right",
    doc="Note section 1.4: the per-D_F fit D_T/(D_F + D_T) = 1/(1 + (N*/N)^beta) equals Eq. B.2 exactly when "
        "N*(D_F) = (D_F^(1 - alpha)/k)^(1/beta).",
    lhs="1/(1 + ((D_F**(1 - a)/k)**(1/b)/N)**b)", rel="=", rhs=f"{R}/(1 + {R})", params=LAW,
    provenance=DERIVED,
)

half_at_crossover = Claim(
    id="hernandez2021.half_at_crossover",
    title="Transfer supplies half the effective data at N = N*",
    doc="Note section 5, item 2: at N = N*(D_F) the ratio D_T/D_F is 1, so the transfer fraction is 1/2.",
    lhs="k*D_F**(a - 1)*((D_F**(1 - a)/k)**(1/b))**b", rel="=", rhs="1", params=(k, a, b, D_F),
    provenance=DERIVED,
)

transfer_exceeds_data = Claim(
    id="hernandez2021.transfer_exceeds_data",
    title="Transfer is worth more than the data collected below the crossover",
    doc="Note section 1.7, item 3: D_T > D_F exactly when D_F < (k N^beta)^(1/(1 - alpha)).",
    lhs=D_T, rel=">", rhs="D_F", params=LAW, hypotheses=("D_F < (k*N**b)**(1/(1 - a))",),
    provenance=DERIVED,
)

marginal_value = Claim(
    id="hernandez2021.marginal_value",
    title="Marginal value of fine-tuning data",
    doc="Note section 1.7, item 4: dD_E/dD_F = 1 + alpha r with r = D_T/D_F.",
    lhs=f"diff({D_E}, D_F)", rel="=", rhs=f"1 + a*{R}", params=LAW, provenance=DERIVED,
)

marginal_below_average = Claim(
    id="hernandez2021.marginal_below_average",
    title="The marginal value of fine-tuning data is below its average value",
    doc="Note section 1.7, item 4: 1 + alpha r < 1 + r = D_E/D_F, since alpha < 1.",
    lhs=f"diff({D_E}, D_F)", rel="<", rhs=f"({D_E})/D_F", params=LAW, provenance=DERIVED,
)

elasticity_data = Claim(
    id="hernandez2021.elasticity_data",
    title="Elasticity of the transferred data in the fine-tuning data",
    doc="Note section 1.7, item 5: d log D_T / d log D_F = alpha.",
    lhs=f"D_F*diff(log({D_T}), D_F)", rel="=", rhs="a", params=LAW, provenance=DERIVED,
)

elasticity_model = Claim(
    id="hernandez2021.elasticity_model",
    title="Elasticity of the transferred data in the model size",
    doc="Note section 1.7, item 5: d log D_T / d log N = beta.",
    lhs=f"N*diff(log({D_T}), N)", rel="=", rhs="b", params=LAW, provenance=DERIVED,
)

effective_elasticity = Claim(
    id="hernandez2021.effective_elasticity",
    title="Elasticity of the effective data in the fine-tuning data",
    doc="Note section 1.7, item 5: d log D_E / d log D_F = (1 + alpha r)/(1 + r).",
    lhs=f"D_F*diff(log({D_E}), D_F)", rel="=", rhs=f"(1 + a*{R})/(1 + {R})", params=LAW, provenance=DERIVED,
)

exchange_rate = Claim(
    id="hernandez2021.exchange_rate",
    title="Multiplying N by c is worth multiplying D_F by c^(beta/alpha)",
    doc="Note section 1.7, item 6: k D_F^alpha (c N)^beta = k (c^(beta/alpha) D_F)^alpha N^beta.",
    lhs="k*D_F**a*(c*N)**b", rel="=", rhs="k*(c**(b/a)*D_F)**a*N**b", params=(*LAW, c), provenance=DERIVED,
)

gpt3_zero_shot_text = Claim(
    id="hernandez2021.gpt3_zero_shot_text",
    title="Extrapolated effective data at GPT-3 size, text to Python",
    doc="Note section 1.8: with Table 1 (k = 1.9e4, alpha = 0.18, beta = 0.38), N = 1.75e11 and D_F = 1 character, "
        "D_E = 1 + k N^beta = 3.56e8, within 5% of the paper's 3.7e8 (the notes recommend a 5% tolerance).",
    lhs="Abs((1 + 19000*(175*10**9)**(38/100))/(37*10**7) - 1)", rel="<=",
    rhs="5/100", provenance=TABLE,
)

gpt3_zero_shot_mixture = Claim(
    id="hernandez2021.gpt3_zero_shot_mixture",
    title="Extrapolated effective data at GPT-3 size, text and code to Python",
    doc="Note section 1.8: with Table 1 (k = 2.1e5, alpha = 0.096, beta = 0.38), N = 1.75e11 and D_F = 1 "
        "character, D_E = 3.93e9, within 5% of the paper's 4.1e9.",
    lhs="Abs((1 + 210000*(175*10**9)**(38/100))/(41*10**8) - 1)", rel="<=",
    rhs="5/100", provenance=TABLE,
)

few_shot_gain_text = Claim(
    id="hernandez2021.few_shot_gain_text",
    title="Few-shot gain, text to Python: 300 characters are worth 2.8 times one",
    doc="Note section 1.8: D_T(300)/D_T(1) = 300^alpha = 2.79 with alpha = 0.18; the paper says x2.8.",
    lhs="Abs(300**(18/100) - 28/10)", rel="<=", rhs="5/100", provenance=TABLE,
)

few_shot_gain_mixture = Claim(
    id="hernandez2021.few_shot_gain_mixture",
    title="Few-shot gain, text and code to Python: 300 characters are worth 1.7 times one",
    doc="Note section 1.8: 300^alpha = 1.73 with alpha = 0.096; the paper says x1.7.",
    lhs="Abs(300**(96/1000) - 17/10)", rel="<=", rhs="5/100", provenance=TABLE,
)

crossover_at_1e8 = Claim(
    id="hernandez2021.crossover_at_1e8",
    title="Text to Python: the crossover model size for 1e8 characters is 1e6",
    doc="Note section 5, item 2: N*(D_F) = (D_F^(1 - alpha)/k)^(1/beta) with Table 1 (text to Python) and "
        "D_F = 1e8 characters is 1.0e6 (our arithmetic; within 5%).",
    lhs="Abs(((10**8)**(1 - (18/100))/19000)**(1/(38/100))/10**6 - 1)", rel="<=",
    rhs="5/100", provenance=DERIVED,
)

marginal_example = Claim(
    id="hernandez2021.marginal_example",
    title="Text to Python, N = 1e8, D_F = 1e6: the marginal value is 46.1",
    doc="Note section 1.7, item 4: r = 250.5, so the marginal value 1 + alpha r is 46.1 while the average value "
        "1 + r is 251.5 (our arithmetic from Table 1).",
    lhs="Abs(1 + 18*19000*(10**6)**(18/100 - 1)*(10**8)**(38/100)/100 - 461/10)",
    rel="<=", rhs="1/10", provenance=DERIVED,
)

CLAIMS = [fraction_form, logit_form, crossover_model_size, half_at_crossover, transfer_exceeds_data, marginal_value,
          marginal_below_average, elasticity_data, elasticity_model, effective_elasticity, exchange_rate,
          gpt3_zero_shot_text, gpt3_zero_shot_mixture, few_shot_gain_text, few_shot_gain_mixture, crossover_at_1e8,
          marginal_example]

logit_chain = Derivation(
    id="hernandez2021.logit_chain",
    title="The logit of the transfer fraction",
    doc="Note section 1.4 and 1.7, item 2: logit(r/(1 + r)) = log r = log k + (alpha - 1) log D_F + beta log N.",
    start=f"log(({R}/(1 + {R}))/(1 - {R}/(1 + {R})))",
    steps=[("=", f"log({R})", "phi/(1 - phi) = r"),
           ("=", "log(k) + (a - 1)*log(D_F) + b*log(N)", "log of a product of positive factors")],
    params=LAW, provenance=DERIVED,
)

crossover_chain = Derivation(
    id="hernandez2021.crossover_chain",
    title="Below the crossover, transfer exceeds the data collected",
    doc="Note section 1.7, item 3: D_T = D_F (k N^beta / D_F^(1 - alpha)) and the bracket exceeds 1 when "
        "D_F < (k N^beta)^(1/(1 - alpha)).",
    start=D_T,
    steps=[("=", "D_F*(k*N**b/D_F**(1 - a))", "factor out D_F"),
           (">", "D_F", "D_F^(1 - alpha) < k N^beta under the hypothesis")],
    params=LAW, hypotheses=("D_F < (k*N**b)**(1/(1 - a))",), provenance=DERIVED,
)

DERIVATIONS = [logit_chain, crossover_chain]
