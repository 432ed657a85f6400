// Materials of bench experiments (ex vivo blocks, gels), beside the spinal reference
// tissues of tissue-properties.csv. Units as there.

extension TissueTable {
    /// Ex vivo liver and water/agar gel: the media of most published RF, microwave and
    /// cryo bench experiments (../shared/data/validation-set.md). Unperfused by default,
    /// since every such experiment is ex vivo or a phantom; perfuse them with an override.
    public static let benchTissues: [Tissue] = [
        Tissue(name: "liver", density: 1079, specificHeat: 3540, thermalConductivity: 0.52,
               perfusionMlMinKg: 0, sigmaRF: 0.22, epsR915: 46.8, sigma915: 0.86,
               epsR2450: 43.0, sigma2450: 1.69, waterFraction: 0.71,
               arrheniusA: DamageModel.liver.frequencyFactor, arrheniusEa: DamageModel.liver.activationEnergy,
               status: "default",
               source: "ex vivo liver: density, heat capacity, thermal conductivity IT'IS database v4 (liver); specific heat measured 3411 J/(kg K) at 25 C (Haemmerich 2006, Med Eng Phys 28:194) is within 4 %; sigma 0.22 S/m of fresh ex vivo pig liver at RF (Wang 2014, Electron Lett 50:1125); dielectric values Gabriel 1996 'Liver' (as tumor_metastasis); water fraction ~0.71 (McIntosh & Anderson 2010 review range); damage: liver Arrhenius set A 7.39e39 1/s, Ea 2.577e5 J/mol (COMSOL bioheat library, damage-and-thresholds.md); unperfused: ex vivo"),
        Tissue(name: "water_gel", density: 1000, specificHeat: 4180, thermalConductivity: 0.60,
               perfusionMlMinKg: 0, sigmaRF: 0.1, epsR915: 78, sigma915: 0.2,
               epsR2450: 77, sigma2450: 1.5, waterFraction: 0.98,
               status: "default",
               source: "2 % agar in water, taken as water at 20-40 C: density 998-992, c 4182-4179 J/(kg K), k 0.598-0.631 W/(m K) (Incropera & DeWitt, Table A.6, saturated water); water fraction 0.98 (2 % agar by weight); electrical values assumed (tap-water gel; set sigma_500khz for a saline gel); no perfusion"),
    ]
}
