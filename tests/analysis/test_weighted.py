"""The weighted tables, pinned to R's survey package (4.1.1) on both generated data sets.

The data given to R: per respondent ``size_class``, per item ``y_<item>`` (1 positive, 0
another valid answer, NA missing) and each cross-tab's row variable as text (NA missing),
from the ``recoded`` and ``other_recoded`` fixtures; the frame's size classes from
``replica.frame`` and ``other_replica.frame``. R's script (values printed with
``sprintf("%.15g")``):

    d <- read.csv("resp.csv", stringsAsFactors = FALSE, na.strings = ""); d$N <- nrow(f)
    des <- svydesign(ids = ~1, fpc = ~N, data = d)
    ps <- postStratify(des, ~size_class, as.data.frame(table(size_class = f$size_class)))
    # R_ITEMS, per item:
    m <- svymean(~y_<item>, ps, na.rm = TRUE, deff = TRUE)   # estimate, se, deff
    svyciprop(~y_<item>, ps, method = "logit", level = 0.95, na.rm = TRUE)  # logit_*
    svyciprop(~y_<item>, ps, method = "beta", level = 0.95, na.rm = TRUE)   # beta_*
    # R_TESTS, per cross-tab:
    tf <- svychisq(~<row> + size_class, ps, statistic = "F")      # F, ndf, ddf, p_F
    tc <- svychisq(~<row> + size_class, ps, statistic = "Chisq")  # chisq, p_chisq
"""

from __future__ import annotations

import io
import warnings

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests

from leisurenet.analysis.crosstab import run_crosstabs
from leisurenet.analysis.weighted import (
    ITEM_COLUMNS,
    TEST_COLUMNS,
    WEIGHTS_COLUMNS,
    kish,
    weighted_items,
    weighted_tests,
    weights_table,
)
from leisurenet.analysis.weighting import design_for

R_ITEMS, R_TESTS = {}, {}
R_ITEMS["replica"] = """\
item,estimate,se,deff,logit_low,logit_high,beta_low,beta_high
vis_defined,0.910065136476427,0.0165521668504043,0.979923834525195,0.87120400723443,0.938034824998596,0.87173887449007,0.939961534418701
vis_consensus,0.873045905707196,0.0189643301421277,0.949892350382899,0.830247800563188,0.906271843698192,0.830634249328733,0.90809101092009
vis_poverty_defined,0.872565136476427,0.0187633064076529,0.926863530071703,0.830299741974697,0.905501999954382,0.830681013166665,0.907274836600282
vis_poverty_shared,0.868672456575682,0.0198079991902496,1.00682157802431,0.823966321007099,0.903356548746155,0.824345747967362,0.905278974650358
obj_defined,0.923045905707196,0.0154625279359089,0.98534684546757,0.886040110765011,0.948730275265621,0.886639517797541,0.950668239815398
obj_consensus,0.937980769230769,0.0133453537842151,0.896237353268781,0.905456399774155,0.959812881936028,0.90608269705549,0.961575432401827
obj_evaluated,0.82011476426799,0.0220904379431682,0.968326169526096,0.771868973486659,0.860007922132029,0.772088144217589,0.861739532231432
obj_achieved,0.760326035744574,0.0251240434814706,0.999260675841432,0.706796632957821,0.806754672409569,0.706818882838988,0.808402450806956
obj_fit_vision,0.900465260545906,0.0165695900972346,0.896736919730011,0.862261450891485,0.928945868679187,0.862727964726077,0.930704325130686
act_planned,0.897549627791563,0.0171048908201048,0.93143331738341,0.858125639252366,0.926951060749531,0.858592879345591,0.928773432506497
act_consensus,0.910065136476427,0.0165521668504043,0.979923834525195,0.87120400723443,0.938034824998596,0.87173887449007,0.939961534418701
act_same_orgs,0.419164635912817,0.0296923545034596,0.959503161093657,0.361444031641654,0.479185775005823,0.360304608230686,0.47977853017259
act_insufficient,0.46669129624343,0.0301531686329047,0.980587974556122,0.407399978894709,0.526938726074321,0.406409203923727,0.527702224345984
act_right,0.793191687344913,0.0229021418278747,0.936028822124176,0.743874840878059,0.835117397253111,0.744019585043619,0.836712585733985
eff_financial,0.822549627791563,0.0217580183225399,0.949473436373528,0.775011050445444,0.861834341506293,0.775239589910623,0.863535416836275
eff_info_offer,0.789779776674938,0.0238332148311609,1.00153912783638,0.738404929083951,0.833342286572402,0.738523865905268,0.835054043694387
eff_info_discounts,0.724364143920596,0.0260934594766532,0.998283365128948,0.669499868322111,0.773205980301274,0.669416767345678,0.774713427618095
eff_outreach,0.57772952853598,0.0281494049756135,0.950837555976515,0.520899867074641,0.632573088419224,0.520407157357496,0.633541488420559
org_partners_complete,0.668506700701978,0.0274864383995955,0.977324102893955,0.61168612053039,0.720807851912544,0.611430285613533,0.722137787004999
org_informal_equal,0.798526674937965,0.0217902852978711,0.863976675138358,0.751635422939372,0.838467451810084,0.751809543544628,0.839937631306759
org_informal_more,0.382714822726746,0.0283544279566045,0.926583632089857,0.328035226729034,0.440533522023726,0.326872873991977,0.440947563916622
org_neighbours_good,0.229816559576522,0.0238769078704009,0.890116957608692,0.185726954068076,0.280763722370582,0.184184196385622,0.280687057520572
role_vis_facilitator,0.344440151954156,0.0266666672512153,0.879226270346913,0.293430274119157,0.399306230135479,0.292268344157644,0.39954572346288
role_vis_coproducer,0.74877319911922,0.0255433351683508,1.00482608523781,0.694583253101489,0.796169805979319,0.694568462836927,0.797784629885164
role_vis_commissioner,0.260279499096308,0.0256955860350857,0.964267920671614,0.212432488256646,0.314598437361396,0.210866939852875,0.31463662672513
role_obj_facilitator,0.304117808351748,0.0246997676334974,0.809426856572815,0.257267948902624,0.355416678698371,0.256120683202821,0.355496345661251
role_obj_coproducer,0.791045010522348,0.0237206228057015,0.982016261569534,0.739893993580025,0.834388487251306,0.740018139753941,0.836094221746932
role_obj_commissioner,0.299708643573972,0.0269315278835558,0.98020652866123,0.248944348183599,0.355919088404466,0.247489056395224,0.356084578806198
role_act_facilitator,0.305964855714977,0.0269004654419847,0.955473609337997,0.255145162133835,0.361987543861364,0.253734559390731,0.362163979439285
role_act_coproducer,0.752217678515256,0.0252318864854741,0.989549552939849,0.698645060121713,0.799006448047292,0.698647383352853,0.800603077124569
role_act_commissioner,0.305177287779662,0.0266978745410085,0.94793314860901,0.254732410400351,0.360775930310163,0.253343093313459,0.360941611138392
rep_voice,0.619509925558313,0.0275712815218816,0.944072770953289,0.563285659230549,0.67270162734437,0.562923827461074,0.673789055128603
rep_vis_from_start,0.71937426323,0.0261502525297014,0.966911199711461,0.664489267190373,0.768410015083782,0.66439424346537,0.769889833267099
rep_obj_from_start,0.713878357281677,0.026349477041632,0.970255886097397,0.65866831668241,0.763366487846881,0.658554574314401,0.764835278142112
rep_act_from_start,0.671154281281314,0.0270777067989381,0.93817351199667,0.615160936207631,0.72267349390976,0.61493108362969,0.723968481769596
rep_vis_expertise,0.727411409502622,0.0256675407227193,0.941743485765046,0.673423426656579,0.775450375301355,0.673362382262816,0.776920659086457
rep_obj_expertise,0.730849454661253,0.0261413183278398,0.990231908114767,0.675738513828455,0.77964817815105,0.675666368152294,0.781210061771757
rep_act_expertise,0.681643339690338,0.0270513008812164,0.952311733914444,0.625523090319474,0.732943889673218,0.625315188723851,0.7342970667784
rep_vis_guiding,0.467701091953096,0.0289038852056575,0.942232191390352,0.410812151443551,0.52544236303344,0.409942075635421,0.526108581352582
rep_obj_guiding,0.469739937481873,0.0296327451265885,0.986992374223277,0.411412047353116,0.52890633091688,0.410482034650923,0.529636494501785
rep_act_guiding,0.467335707348656,0.0286384108571417,0.934520689415418,0.410965673972149,0.52455216867137,0.410118344922883,0.52519679260956
sup_information,0.975,0.00875885179791357,0.921367521367522,0.950163146874436,0.98762034943792,0.951225851878699,0.989185668810919
sup_exchange,0.901442307692308,0.01624390797555,0.869432249322494,0.864033639678457,0.929399645543001,0.864494366846501,0.931106018050426
sup_local_guidance,0.884088089330025,0.0186501046426593,0.993624082198763,0.841476231915652,0.916383889391312,0.841910106362312,0.918308118633724
sup_evaluation,0.822549627791563,0.0217580183225399,0.949473436373529,0.775011050445444,0.861834341506293,0.775239589910623,0.863535416836275
"""
R_TESTS["replica"] = """\
row,F,ndf,ddf,p_F,chisq,p_chisq
role_vis,6.56654928529541,5.9848445972858,454.848189393721,1.17903187970392e-06,10.1992178943294,5.9766793920478e-07
role_obj,12.4537473911365,5.9105358807016,449.200726933322,7.52258203258661e-13,18.627149191322,4.37793223124812e-14
role_act,3.514576297402,5.98704812701307,455.015657652993,0.00209097794248035,5.44619338971211,0.00176939931754224
role_overall,11.5474982319796,5.9831365454449,454.718377453812,5.10120764901897e-12,17.9910518830259,5.73064665527728e-13
rep_act_expertise_cat,5.6471519027019,3.99349294097132,303.505463513821,0.000215778916950082,6.00887996429552,0.000152985447489456
rep_act_from_start_cat,8.02140224224413,3.87426452086863,294.444103586016,5.00149517178543e-06,7.9182866332873,1.8375518396439e-06
rep_act_guiding_cat,6.35582840336717,3.99128384522663,303.337572237224,6.45107152630505e-05,6.83053929134072,4.13511438652422e-05
rep_obj_expertise_cat,9.91960316502595,3.8828431506074,295.096079446162,2.14549096499569e-07,9.74654758795436,5.04456056071343e-08
rep_obj_from_start_cat,7.04260864732428,3.99310028320032,303.475621523224,1.98938830704653e-05,7.40268810964364,1.15191231913183e-05
rep_obj_guiding_cat,3.10936858702768,3.99363559028652,303.516304861775,0.0157770979298567,3.31931618827965,0.0143779838295234
rep_vis_expertise_cat,6.46670306564404,3.78789609289237,287.88010305982,7.70344289275719e-05,6.25430918877091,3.36628111816623e-05
rep_vis_from_start_cat,8.55813463722479,3.86103876167426,293.438945887244,2.13464785391637e-06,8.37635584815292,6.6767862133512e-07
rep_vis_guiding_cat,9.16009207550669,3.9931274332196,303.47768492469,5.44044963168464e-07,9.76576474727971,2.13627115936663e-07
rep_voice_cat,10.1848346139753,1.99596687740859,151.693482683053,7.16056462712946e-05,5.22378537157605,3.7738316986322e-05
sup_evaluation_cat,5.06523453518973,1.99445765549561,151.578781817666,0.00747349010074261,2.63743073186315,0.00631243024215321
sup_exchange_cat,14.1526639711723,1.98642691169415,150.968445288755,2.46886071899434e-06,6.46883468834688,7.13799325258066e-07
sup_information_cat,13.4829494236902,1,76.0000000000001,0.000445343686361891,3.29059829059829,1.39453515047317e-06
sup_local_guidance_cat,0.418659569873452,1.99548151837835,151.656595396755,0.65822763802712,0.21653085837575,0.657928135706116
"""

# The same tests without the finite-population correction (weighting.without_fpc):
#     ps <- postStratify(svydesign(ids = ~1, weights = ~1, data = d), ~size_class, <frame table>)
#     svychisq(~<row> + size_class, ps, statistic = "F"); the same with statistic = "Chisq"
R_TESTS_NO_FPC = {}
R_TESTS_NO_FPC["replica"] = """\
row,F_no_fpc,p_F_no_fpc,p_chisq_no_fpc
role_vis,1.70477721829785,0.118285158649535,0.115346950313096
role_obj,3.23318441885274,0.00424063139131393,0.00354010364824333
role_act,0.912438077210136,0.485445235621145,0.484528489226684
role_overall,2.99790819484085,0.00703295031739041,0.00626363690635516
rep_voice_cat,2.64413975555127,0.0744527225178522,0.0710664619812657
rep_vis_from_start_cat,2.22182341543336,0.0690479580718751,0.0639791761465631
rep_obj_from_start_cat,1.82836955267073,0.123349837807194,0.120220987781673
rep_act_from_start_cat,2.08247942827492,0.0853216002713081,0.0802136387109497
rep_vis_expertise_cat,1.67885560358066,0.158361338674204,0.151713069898084
rep_obj_expertise_cat,2.5752815909202,0.0394230585519431,0.0356495223712797
rep_act_expertise_cat,1.46608751320145,0.212483666467336,0.209510313486031
rep_vis_guiding_cat,2.378100827295,0.0520102126267248,0.0494930099568412
rep_obj_guiding_cat,0.807239921632185,0.521140986522894,0.520266198478121
rep_act_guiding_cat,1.65007083548955,0.16174544514967,0.158580377270973
sup_information_cat,3.5003811003811,0.0652039734332479,0.0301858773806057
sup_exchange_cat,3.67424930020819,0.0279369067683136,0.025368442460792
sup_local_guidance_cat,0.108690465255608,0.896677532664149,0.897008029681896
sup_evaluation_cat,1.31501281202041,0.271487568010497,0.268470883562762
"""
R_TESTS_NO_FPC["other"] = """\
row,F_no_fpc,p_F_no_fpc,p_chisq_no_fpc
role_vis,3.35030711267063,0.00293407624574784,0.00265612820044008
role_obj,1.84097489614298,0.0887896175880311,0.0869696960833431
role_act,4.0278898780825,0.000568386725138961,0.000486505490679832
role_overall,5.11010123232027,3.93195868763368e-05,2.94250839180124e-05
rep_voice_cat,2.79803483127592,0.0257065886251329,0.0244874216189225
rep_vis_from_start_cat,1.93167760119131,0.104148029410987,0.102117963216786
rep_obj_from_start_cat,2.09720210399462,0.0824271542097738,0.0783301826600294
rep_act_from_start_cat,1.35253292195866,0.249557012087652,0.247742639972756
rep_vis_expertise_cat,2.98974475469231,0.0186785051459191,0.0176589289946265
rep_obj_expertise_cat,3.64218507275854,0.00719346231603476,0.00568457154211406
rep_act_expertise_cat,3.16795944071526,0.0146633607256261,0.0129957070349371
rep_vis_guiding_cat,1.91679525555272,0.106604823826414,0.104559296010118
rep_obj_guiding_cat,4.2304838161294,0.00226894050542203,0.00200163092602736
rep_act_guiding_cat,5.20541524914431,0.000417612021487416,0.000343519200852926
sup_information_cat,0.289239800164143,0.748632620931007,0.748832613686791
sup_exchange_cat,0.263526061447522,0.768046180140105,0.768337598188305
sup_local_guidance_cat,1.23916714251727,0.291452049892216,0.289625334144126
sup_evaluation_cat,0.108450190545499,0.896909694643829,0.897223583921272
"""

R_ITEMS["other"] = """\
item,estimate,se,deff,logit_low,logit_high,beta_low,beta_high
vis_defined,0.626289912076419,0.0230893961096284,1.00459399016064,0.579566439109248,0.67077056372048,0.579166969523293,0.671698552857022
vis_consensus,0.62768566780165,0.0228909663604102,0.991846034923486,0.581357074787578,0.671781868766762,0.580970421344635,0.672695035765108
vis_poverty_defined,0.623847450655168,0.0230879787611408,1.00185548223137,0.5771518838029,0.668349551935278,0.576749131682556,0.669269330141103
vis_poverty_shared,0.628455302009008,0.0228878354788135,0.986538031792153,0.582125352028939,0.67253812410826,0.581739904634187,0.673453524946957
obj_defined,0.62719800747198,0.0230570802491228,1.00087208649292,0.580531836192561,0.671609300995454,0.580135398571577,0.67253713470343
obj_consensus,0.630149689971315,0.0228415001857509,0.984394963986831,0.583898116248923,0.674129399879242,0.583517455536174,0.675045874854213
obj_evaluated,0.627361733399711,0.0228637218852615,0.977520474779341,0.581092597391663,0.671410191453572,0.58070699537607,0.672319634878487
obj_achieved,0.629638854296389,0.0228642807354131,0.986849666804391,0.583345463081793,0.673666095227898,0.582962884361596,0.674583108689981
obj_fit_vision,0.630672820958104,0.0227076298547013,0.974498283631932,0.584692288825907,0.674397550934313,0.584319539143364,0.675302658539886
act_planned,0.624882101275947,0.0231254470903362,1.00621333426832,0.578098780358889,0.669444058713364,0.577695368625898,0.670370916003625
act_consensus,0.622632309058064,0.0229567723302855,0.979501722246006,0.576219128328346,0.666900752428183,0.575821997735347,0.667803822819867
act_same_orgs,0.626909867812218,0.0230450473941128,0.999514716103375,0.580271466021263,0.671301535688392,0.579875299143197,0.672227228237901
act_insufficient,0.626536954311241,0.0231032044423535,1.00416011234398,0.579782474062239,0.671040953714281,0.579382578145623,0.671971122893022
act_right,0.625036818313212,0.0231352530674874,1.00318716782727,0.578231705295026,0.669615573737819,0.577827960804461,0.67054390590584
eff_financial,0.626168330885494,0.0230625463883234,0.995171530823405,0.579501452506865,0.670600017860092,0.579103303619273,0.671524967002687
eff_info_offer,0.626591429567321,0.0229511165072831,0.98998531429475,0.580149928170557,0.670810728268597,0.579758501415151,0.671726166773577
eff_info_discounts,0.623235937189425,0.0230936755186359,0.992891152502138,0.576534866409783,0.667754703376781,0.576130952315387,0.668673030680131
eff_outreach,0.623847450655168,0.0230879787611408,1.00185548223137,0.5771518838029,0.668349551935278,0.576749131682556,0.669269330141103
org_partners_complete,0.627434023493859,0.0230091663431903,0.992981101558967,0.580864241187546,0.67175349297676,0.580470766902793,0.672677403230675
org_informal_equal,0.620697240186952,0.0227538738035632,0.96417384339775,0.574720560344721,0.664604104929232,0.57433199796353,0.665481528940981
org_informal_more,0.606322211924622,0.0227356344532099,0.984725504450345,0.560520625534558,0.650328228932513,0.560113384953044,0.651160160792882
org_neighbours_good,0.601545836616759,0.0228612917888201,1.00084569329249,0.5555324382742,0.645832589497084,0.555111305702787,0.646662019149326
role_vis_facilitator,0.344996368516924,0.0204856083627526,0.814235385806926,0.305633684712019,0.386605995891022,0.30486280997409,0.386842086500428
role_vis_coproducer,0.757808773803168,0.0196168969877737,0.944459593505233,0.716885085296764,0.794512621931595,0.716781593531691,0.795605323362032
role_vis_commissioner,0.270251631291126,0.0204222177164692,0.935475290999697,0.231761576149433,0.312533468405104,0.230711871207995,0.312692046227893
role_obj_facilitator,0.305446142175393,0.0209157556960959,0.90145495435464,0.265667901049397,0.348354937042373,0.264715286366001,0.348568532266648
role_obj_coproducer,0.794475533395202,0.0190503229903145,1.00299607542801,0.754192575244479,0.829648034288817,0.754143774344692,0.830884342964884
role_obj_commissioner,0.310799047212018,0.0217265895816045,0.966202252386803,0.269486842823037,0.355363588906657,0.268467727336605,0.355617580576371
role_act_facilitator,0.301574457157531,0.0184300769431855,0.707800369625431,0.266379058394643,0.339269529964429,0.265663990995539,0.339386946003758
role_act_coproducer,0.758770563445362,0.0196086086440306,0.94894828971603,0.717850718543332,0.795446909124404,0.717748445031622,0.796543711523964
role_act_commissioner,0.311931744751906,0.0214999478790829,0.95087782498423,0.271019898125194,0.35600341614667,0.270030174355274,0.356248719183083
rep_voice,0.616590669956362,0.0223089672989064,0.920315611616825,0.571566735679597,0.659700127183918,0.571196933343755,0.660523292653215
rep_vis_from_start,0.718038517024069,0.0211179209325819,0.971341452576005,0.674413306979206,0.757916607327484,0.674216297975715,0.758993089119661
rep_obj_from_start,0.718669631669928,0.0211425300509031,0.978799318095901,0.674983255123881,0.758584196665375,0.674785955554792,0.759666517522567
rep_act_from_start,0.71846236908049,0.0211611287015418,0.985848152529225,0.674738770785712,0.758412820242063,0.674540516168638,0.759496356636313
rep_vis_expertise,0.723510654980746,0.0205073430278951,0.930724431627575,0.681126523421914,0.762227783073816,0.680958514401715,0.763258406192887
rep_obj_expertise,0.723512894312531,0.0203575486073152,0.919868782991056,0.681450684885228,0.76196116860234,0.681288187907403,0.762974521191785
rep_act_expertise,0.724162407722885,0.02060194589547,0.937969199406288,0.681566429207839,0.763041431286971,0.681395574738064,0.764086050521064
rep_vis_guiding,0.461461368436206,0.023111570558658,0.937626514962913,0.416147707800096,0.5074209499157,0.415459201374218,0.507956377125329
rep_obj_guiding,0.458999381769056,0.0225737073351296,0.90872313476162,0.414747199049674,0.503907820366815,0.414095245815515,0.504403854089801
rep_act_guiding,0.457881775195622,0.0221567140217483,0.864571311048996,0.414445628236204,0.501967759311429,0.413823165057944,0.50243552496019
sup_information,0.748555966959412,0.0226842369780159,1.01800999077993,0.701046088132391,0.790768981250529,0.700823167340902,0.792213914470543
sup_exchange,0.752069388401627,0.0224712955139004,0.97747035776571,0.704963826551892,0.793853332678617,0.704754015662881,0.795291130613777
sup_local_guidance,0.745489283884319,0.0226739380323454,0.986337911311559,0.698058491062731,0.78773496882418,0.697831901068971,0.789158977473601
sup_evaluation,0.750334396261756,0.0226118531391214,0.995751854788086,0.70295099322241,0.792391750415701,0.702733338838049,0.793838019130628
"""
R_TESTS["other"] = """\
row,F,ndf,ddf,p_F,chisq,p_chisq
role_vis,12.9226131488724,5.98642418731589,712.38447829059,7.16206414477678e-14,19.846441916897,1.15252346601565e-14
role_obj,7.10090317083719,5.98765470369666,712.530909739903,2.36962394350942e-07,10.8656152065883,1.39607356228045e-07
role_act,15.5361466726039,5.98345804565894,712.031507433414,9.25236462299513e-17,23.9604718726331,6.4974233355725e-18
role_overall,19.710390467521,5.96385820782261,709.69912673089,3.01560731224118e-21,29.7462041577546,3.77526967319909e-23
rep_act_expertise_cat,12.2192721284732,3.893764226334,463.357942933746,2.85808178415605e-09,11.8366614430566,6.19394490878638e-10
rep_act_from_start_cat,5.2169126989834,3.99184501443402,475.029556717649,0.000408425174261329,5.48752858806409,0.000336386656689323
rep_act_guiding_cat,20.0780302466995,3.99021321262021,474.835372301805,2.91647841598756e-15,21.2924152364542,1.49581646600507e-16
rep_obj_expertise_cat,14.0484281377829,3.79345741141591,451.421431958494,2.13651667038573e-10,13.6815272734967,1.82614992398647e-11
rep_obj_from_start_cat,8.08920811540783,3.87246222581867,460.823004872422,3.53860717723938e-06,7.82950988226225,1.61728376322074e-06
rep_obj_guiding_cat,16.317580433642,3.98994324479613,474.80324613074,1.64617532591773e-12,17.4646477920427,2.25695670665052e-13
rep_vis_expertise_cat,11.5318726252418,3.99316079776443,475.186134933967,6.22646382395944e-09,12.0134972921847,2.31689273092317e-09
rep_vis_from_start_cat,7.45075646173793,3.99188055713684,475.033786299284,8.08214839962218e-06,7.79024671463467,5.36776645380588e-06
rep_vis_guiding_cat,7.39335312856049,3.99142212655587,474.979233060149,8.95089128928279e-06,7.83684019501241,5.97732121707573e-06
rep_voice_cat,10.7924200634928,3.99211768049659,475.062003979094,2.27553701587104e-08,11.3652652221841,9.54201424834374e-09
sup_evaluation_cat,0.418307877818354,1.99595630886586,237.518800755037,0.658232425016324,0.266784284099684,0.658159564497718
sup_exchange_cat,1.0164576655833,1.99530149756649,237.440878210413,0.36329938111914,0.646272227430388,0.361874553110553
sup_information_cat,1.11563922920455,1.99577288056857,237.49697278766,0.329328201180591,0.717551615740109,0.327705732857807
sup_local_guidance_cat,4.77964469256661,1.99629668818069,237.559305893502,0.00926323826207213,3.02389491185701,0.00839898265836775
"""
WEIGHTING = {"method": "poststratify", "poststrata": "size_class"}
# glm's iterations leave svyglm's logit intercept a few 1e-9 from logit(p) (its deviance
# criterion, 1e-8); the interval computed from the exact share differs by as much.
LOGIT_TOLERANCE = 1e-8


def pipeline_frame(frame: pd.DataFrame, recoded: pd.DataFrame) -> pd.DataFrame:
    """The frame as the clean stage writes it."""
    out = frame[["network_id", "municipality_pop"]].astype(
        {"network_id": "string", "municipality_pop": "Int64"}
    )
    return out.assign(responded=out["network_id"].isin(recoded["network_id"]).astype("boolean"))


@pytest.fixture(scope="module", params=["replica", "other"])
def data(request, config):
    """(name, recoded, design) of each data set, the design as the pipeline makes it."""
    name = request.param
    recoded = request.getfixturevalue("recoded" if name == "replica" else "other_recoded")
    replica = request.getfixturevalue("replica" if name == "replica" else "other_replica")
    design = design_for(recoded, pipeline_frame(replica.frame, recoded), WEIGHTING, config["size_class"])
    return name, recoded, design


@pytest.fixture(scope="module")
def items(data, codebook):
    name, recoded, design = data
    table = weighted_items(recoded, codebook, design, 0.95)
    r = pd.read_csv(io.StringIO(R_ITEMS[name]))
    return table.merge(r, on="item", how="left", validate="1:1", suffixes=("", "_r"))


def test_one_row_per_item_in_codebook_order(items, codebook, data):
    assert list(items["item"]) == codebook.item_ids
    assert list(items.columns[: len(ITEM_COLUMNS)]) == ITEM_COLUMNS
    assert (items["ci_method"] == "logit").all() and (items["ci_level"] == 0.95).all()
    assert (items["weighting"] == "poststratify").all() and (items["note"] == "").all()


def test_unweighted_shares_are_those_of_items_csv(items, data, codebook):
    from leisurenet.analysis.describe import item_summary

    unweighted = item_summary(data[1], codebook)
    assert items["n_valid"].tolist() == unweighted["n_valid"].tolist()
    np.testing.assert_allclose(
        items["pct_positive_valid"], unweighted["pct_positive_valid"], rtol=0, atol=1e-12
    )


def test_every_item_matches_svymean(items):
    for ours, r in (("pct_positive_valid_weighted", "estimate"), ("se_weighted", "se")):
        np.testing.assert_allclose(items[ours] / 100, items[r], rtol=0, atol=1e-10)
    np.testing.assert_allclose(items["design_effect"], items["deff"], rtol=0, atol=1e-10)


def test_every_item_interval_matches_svyciprop(items):
    for column in ("beta_low", "beta_high"):
        np.testing.assert_allclose(items[column], items[f"{column}_r"], rtol=0, atol=1e-10)
    for ours, r in (("ci_low", "logit_low"), ("ci_high", "logit_high")):
        np.testing.assert_allclose(items[ours], items[r], rtol=0, atol=LOGIT_TOLERANCE)


@pytest.fixture(scope="module")
def tests_table(data, config):
    name, recoded, design = data
    table = weighted_tests(recoded, config["crosstabs"], design)
    r = pd.read_csv(io.StringIO(R_TESTS[name])).merge(
        pd.read_csv(io.StringIO(R_TESTS_NO_FPC[name])), on="row"
    )
    return table.merge(r, on="row", how="left", suffixes=("", "_r"))


def test_one_row_per_configured_crosstab_named_as_tests_csv(tests_table, data, config):
    assert list(tests_table.columns[: len(TEST_COLUMNS)]) == TEST_COLUMNS
    analysis = config["analysis"] | {"monte_carlo_draws": 10, "exact_max_tables": 0}
    unweighted = run_crosstabs(data[1], config["crosstabs"], analysis)[1]
    assert tests_table["crosstab"].tolist() == unweighted["crosstab"].tolist()
    assert tests_table["family"].tolist() == unweighted["family"].tolist()
    assert tests_table["n"].tolist() == unweighted["n"].tolist()
    np.testing.assert_allclose(tests_table["p_chisq_unweighted"], unweighted["p_chi2"], rtol=0, atol=1e-15)
    assert (tests_table["note"] == "").all()


def test_every_crosstab_matches_svychisq(tests_table):
    assert tests_table["F_r"].notna().all()
    for column in ("F", "ndf", "ddf", "chisq"):
        np.testing.assert_allclose(tests_table[column], tests_table[f"{column}_r"], rtol=0, atol=1e-8)
    for column in ("p_F", "p_chisq", "p_F_no_fpc", "p_chisq_no_fpc"):
        np.testing.assert_allclose(tests_table[column], tests_table[f"{column}_r"], rtol=0, atol=1e-10)
    np.testing.assert_allclose(tests_table["F_no_fpc"], tests_table["F_no_fpc_r"], rtol=0, atol=1e-8)


def test_weighted_p_values_are_holm_adjusted_within_each_family(tests_table):
    # The same adjustment as tests.csv's p_holm, by statsmodels' own Holm.
    for _, family in tests_table.groupby("family"):
        expected = multipletests(family["p_F_no_fpc"], method="holm")[1]
        np.testing.assert_allclose(family["p_holm"], expected, rtol=0, atol=1e-15)
    assert tests_table["family"].nunique() > 1


# --- the table of the weights (weights.csv) ------------------------------------------------
#
# R 4.2.2, survey 4.1.1, on the replica's post-strata (31, 30 and 16 respondents of 45, 39
# and 20 networks):
#   d <- data.frame(size_class = rep(c("small", "medium", "large"), c(31, 30, 16)), N = 104)
#   pop <- data.frame(size_class = c("small", "medium", "large"), Freq = c(45, 39, 20))
#   ps <- postStratify(svydesign(ids = ~1, fpc = ~N, data = d), ~size_class, pop)
#   w <- weights(ps); n <- length(w)
#   sprintf("%.15g", c(range(w), n * sum(w^2) / sum(w)^2, sum(w)^2 / sum(w^2),
#                      sqrt(mean((w - mean(w))^2)) / mean(w)))
R_WEIGHTS = {
    "weight_min": 1.25,
    "weight_max": 1.45161290322581,
    "deff_kish": 1.00395143395686,
    "n_effective": 76.6969371182835,
    "cv": 0.0628604323629896,
}


def test_kish_by_hand():
    # weights 1, 1, 2, 4: mean 2, variance (1 + 1 + 0 + 4) / 4 = 1.5, CV^2 = 0.375;
    # n sum(w^2) / sum(w)^2 = 4 * 22 / 64, the effective n 64 / 22
    cv, deff, n_effective = kish(np.array([1.0, 1.0, 2.0, 4.0]))
    assert cv == pytest.approx(np.sqrt(0.375))
    assert deff == pytest.approx(1.375) == pytest.approx(4 * 22 / 64)
    assert n_effective == pytest.approx(64 / 22)
    assert kish(np.full(5, 1.3)) == (0.0, 1.0, 5.0)  # equal weights: no loss


def test_the_weights_table_of_the_replica_matches_postStratify(replica, recoded, config):
    design = design_for(recoded, pipeline_frame(replica.frame, recoded), WEIGHTING, config["size_class"])
    table = weights_table(design)
    assert table.columns.tolist() == WEIGHTS_COLUMNS
    assert table["cell"].tolist() == ["small", "medium", "large", "all"]
    assert table["margin"].tolist() == ["size_class"] * 3 + ["all"]
    assert table["n_frame"].tolist() == [45, 39, 20, 104]
    assert table["n_respondents"].tolist() == [31, 30, 16, 77]
    cells, overall = table.iloc[:3], table.iloc[3]
    # each post-stratum: one weight N_h / n_h, which adds up to N_h; no spread inside it
    np.testing.assert_allclose(cells["weight_min"], [45 / 31, 39 / 30, 20 / 16], rtol=1e-15)
    np.testing.assert_array_equal(cells["weight_min"], cells["weight_max"])
    np.testing.assert_allclose(cells["weighted_total"], [45, 39, 20], rtol=1e-15)
    assert cells["deff_kish"].tolist() == [1, 1, 1] and cells["n_effective"].tolist() == [31, 30, 16]
    # the closed form of post-stratification: deff = n sum_h (N_h^2 / n_h) / N^2
    closed = 77 * (45**2 / 31 + 39**2 / 30 + 20**2 / 16) / 104**2
    assert overall["deff_kish"] == pytest.approx(closed, rel=1e-14)
    assert overall["n_effective"] == pytest.approx(77 / closed, rel=1e-14)
    assert overall["weighted_total"] == pytest.approx(104)
    for column, value in R_WEIGHTS.items():
        assert overall[column] == pytest.approx(value, rel=1e-13), column


def test_without_weights_the_table_is_its_header():
    table = weights_table(None)
    assert table.empty and table.columns.tolist() == WEIGHTS_COLUMNS


# --- a small design: every branch of the tables, against R and SciPy ---------------------------
#
# 12 respondents of a frame of 30 networks in post-strata a, b, c (5, 4 and 3 respondents of
# 12, 10 and 8 networks). R 4.2.2, survey 4.1.1:
#   d <- data.frame(g = SMALL_G, y = SMALL_Y, x = ..., x1 = ..., z = ..., z1 = ..., N = 30)
#   pop <- data.frame(g = c("a", "b", "c"), Freq = c(12, 10, 8))
#   ps <- postStratify(svydesign(ids = ~1, fpc = ~N, data = d), ~g, pop)
#   ps0 <- postStratify(svydesign(ids = ~1, weights = ~1, data = d), ~g, pop)  # without fpc
SMALL_G = list("aaaaabbbbccc")
SMALL_Y = [1, 0, 1, 1, None, 0, 1, 0, 1, 1, 0, 1]
SMALL_X = ["p", "q", "r", "p", "q", None, "r", "p", "q", "r", "p", "q"]
SMALL_Z = list("uuvvuvuvuvvu")


def small_design():
    from leisurenet.analysis.weighting import poststratified

    return poststratified(pd.Series(SMALL_G), pd.Series({"a": 12, "b": 10, "c": 8}))


def small_items() -> tuple[pd.DataFrame, object]:
    """Four items: y_mixed (SMALL_Y), y_all (every valid answer positive), y_never (none
    positive), y_blank (no valid answer); a codebook with just what weighted_items reads."""
    from types import SimpleNamespace

    def cat(values):
        return pd.Categorical(values, categories=["positive", "neutral", "negative"])

    recoded = pd.DataFrame(
        {
            "y_mixed_cat": cat([{1: "positive", 0: "neutral"}.get(v) for v in SMALL_Y]),
            "y_all_cat": cat(["positive"] * 10 + [None] * 2),
            "y_never_cat": cat(["negative", "neutral"] * 5 + [None] * 2),
            "y_blank_cat": cat([None] * 12),
        }
    )
    items = ["y_mixed", "y_all", "y_never", "y_blank"]
    spec = {item: {"construct": f"c_{item}", "scale": "agree5"} for item in items}
    return recoded, SimpleNamespace(item_ids=items, items=spec)


def test_a_small_designs_item_at_80_percent_matches_svymean_and_svyciprop():
    # m <- svymean(~y, ps, na.rm = TRUE, deff = TRUE); coef(m), SE(m), deff(m)
    # svyciprop(~y, ps, method = "logit", level = 0.8, na.rm = TRUE), the same with "beta"
    recoded, codebook = small_items()
    row = weighted_items(recoded, codebook, small_design(), 0.8).iloc[0]
    assert (row["item"], row["construct"], row["scale"], row["n_valid"]) == (
        "y_mixed",
        "c_y_mixed",
        "agree5",
        11,
    )
    assert row["pct_positive_valid"] == pytest.approx(100 * 7 / 11, rel=1e-14)
    assert row["pct_positive_valid_weighted"] == pytest.approx(63.526570048309183, rel=1e-13)
    assert row["se_weighted"] == pytest.approx(11.492580100704827, rel=1e-12)
    assert row["design_effect"] == pytest.approx(0.94777240376543448, rel=1e-12)
    assert row["ci_level"] == 0.8 and row["note"] == ""
    assert (row["ci_low"], row["ci_high"]) == pytest.approx(
        (0.46968890459043694, 0.77401832325334485), abs=LOGIT_TOLERANCE
    )
    assert (row["beta_low"], row["beta_high"]) == pytest.approx(
        (0.45428825462373801, 0.7907771061345682), abs=1e-12
    )


def test_items_without_variance_or_valid_answers_say_why():
    # Every valid answer positive (negative): share 1 (0), no variance, so the logit interval is
    # the point and the beta one the exact binomial of the 10 valid answers, whose open limit is
    # (alpha / 2)^(1/10) (1 minus it); R gives NaN for both.
    recoded, codebook = small_items()
    table = weighted_items(recoded, codebook, small_design(), 0.8).set_index("item")
    tail = "no variance, no design effect; logit interval the point, beta interval exact binomial"
    assert table.loc["y_all", "note"] == f"every valid answer is positive: {tail}"
    assert table.loc["y_never", "note"] == f"every valid answer is not positive: {tail}"
    assert table.loc["y_blank", "note"] == "no valid answer"
    assert table.loc[["y_all", "y_never"], "pct_positive_valid"].tolist() == [100.0, 0.0]
    assert table.loc[["y_all", "y_never"], "pct_positive_valid_weighted"].tolist() == [100.0, 0.0]
    assert table.loc[["y_all", "y_never"], "se_weighted"].tolist() == [0.0, 0.0]
    assert table.loc["y_all", ["ci_low", "ci_high", "beta_high"]].tolist() == [1.0, 1.0, 1.0]
    assert table.loc["y_never", ["ci_low", "ci_high", "beta_low"]].tolist() == [0.0, 0.0, 0.0]
    assert table.loc["y_all", "beta_low"] == pytest.approx(0.1 ** (1 / 10), rel=1e-12)
    assert table.loc["y_never", "beta_high"] == pytest.approx(1 - 0.1 ** (1 / 10), rel=1e-12)
    blank = table.loc["y_blank"]
    assert blank["n_valid"] == 0
    assert blank[["pct_positive_valid", "pct_positive_valid_weighted", "ci_low", "beta_high"]].isna().all()


def small_crosstabs() -> tuple[pd.DataFrame, dict]:
    """Cross-tabs of the small design: x by z (z with an empty level w); x1 (x with a level s of
    one respondent and an empty level t) by z; x by z1 (z with a level w of one respondent);
    nothing (every value missing) by z1."""
    x1 = [*SMALL_X[:11], "s"]
    recoded = pd.DataFrame(
        {
            "x": pd.Categorical(SMALL_X),
            "x1": pd.Categorical(x1, categories=["p", "q", "r", "s", "t"]),
            "z": pd.Categorical(SMALL_Z, categories=["u", "v", "w"]),
            "z1": pd.Categorical(["w", *SMALL_Z[1:]], categories=["u", "v", "w"]),
            "nothing": pd.Series([None] * 12, dtype=object),
        }
    )
    return recoded, {"one": {"col": "z", "rows": ["x", "x1"]}, "two": {"col": "z1", "rows": ["x", "nothing"]}}


# svychisq(~x + z, ps, statistic = "F") and "Chisq"; the same on ps0 for the *_no_fpc columns
R_SMALL_TESTS = pd.DataFrame(
    [
        ("x", "z", 5.3236292703827468, 1.987375180117773, 21.861126981295502, 0.013201387413194966,
         5.8572330443407985, 0.0048750287828141703, 3.1941775622296471, 0.060948578490052981,
         0.041000231652629893),
        ("x1", "z", 3.6755343964357672, 2.9050217795529276, 31.955239575082203, 0.023148985462165067,
         5.8572330443407985, 0.011582888406769363, 2.2053206378614592, 0.10836687769294112,
         0.085199740111992175),
        ("x", "z1", 5.3242127556975563, 2.973947199282986, 32.713419192112845, 0.0043174464864331966,
         9.9574696827425306, 0.00027651251114726381, 3.1945276534185334, 0.036609494549573171,
         0.012412448309189325),
    ],
    columns=["row", "col", "F", "ndf", "ddf", "p_F", "chisq", "p_chisq", "F_no_fpc", "p_F_no_fpc",
             "p_chisq_no_fpc"],
)  # fmt: skip


def test_a_small_designs_tests_match_svychisq():
    recoded, crosstabs = small_crosstabs()
    table = weighted_tests(recoded, crosstabs, small_design())
    assert table[["family", "row", "col"]].values.tolist() == [
        ["one", "x", "z"], ["one", "x1", "z"], ["two", "x", "z1"], ["two", "nothing", "z1"]
    ]  # fmt: skip
    tested = table.iloc[:3].reset_index(drop=True)
    for column in R_SMALL_TESTS.columns[2:]:
        np.testing.assert_allclose(tested[column], R_SMALL_TESTS[column], rtol=1e-12, err_msg=column)
    assert table["n"].tolist() == [11, 11, 11, 0]
    assert table.loc[3, "note"].startswith("not tested") and table.loc[3, ["F", "p_holm"]].isna().all()


def test_a_small_designs_unweighted_p_drops_empty_levels_only():
    # Pearson's p (SciPy, no continuity correction) of the observed table: empty levels (t, and
    # z's w) left out, a level of one respondent (s, z1's w) kept; no p without a valid pair.
    from scipy.stats import chi2_contingency

    recoded, crosstabs = small_crosstabs()
    table = weighted_tests(recoded, crosstabs, small_design())
    for i, (row, col) in enumerate([("x", "z"), ("x1", "z"), ("x", "z1")]):
        observed = pd.crosstab(recoded[row].astype(str), recoded[col].astype(str))
        observed = observed.drop(index="nan", errors="ignore")
        expected = chi2_contingency(observed.to_numpy(), correction=False).pvalue
        assert table.loc[i, "p_chisq_unweighted"] == pytest.approx(expected, rel=1e-12), (row, col)
    assert np.isnan(table.loc[3, "p_chisq_unweighted"])


def test_a_small_designs_holm_adjusts_within_each_family():
    # family one: both tests; family two: the one test (the untested cross-tab does not count)
    recoded, crosstabs = small_crosstabs()
    table = weighted_tests(recoded, crosstabs, small_design())
    one = multipletests(R_SMALL_TESTS["p_F_no_fpc"][:2], method="holm")[1]
    np.testing.assert_allclose(table["p_holm"][:3], [*one, 0.036609494549573171], rtol=1e-12)


def test_an_item_without_valid_answers_divides_nothing_by_zero():
    # its unweighted share is NaN by choice, not by 0/0 (which would warn in every run's log)
    recoded, codebook = small_items()
    codebook.item_ids = ["y_blank"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = weighted_items(recoded, codebook, small_design(), 0.95)
    assert np.isnan(table.loc[0, "pct_positive_valid"])


def test_a_codebook_without_items_gives_the_header():
    recoded, codebook = small_items()
    codebook.item_ids = []
    table = weighted_items(recoded, codebook, small_design(), 0.95)
    assert table.empty and table.columns.tolist() == ITEM_COLUMNS


def test_equal_weights_have_no_spread_exactly():
    # np.std of ten weights 1.3 is 2.2e-16, not 0: Kish's cv of equal weights is 0 by definition
    assert kish(np.full(10, 1.3)) == (0.0, 1.0, 10.0)


def test_the_weights_table_of_a_small_design_by_hand():
    # post-strata a, b, c: 5, 4 and 3 respondents of 12, 10 and 8 networks, each weighing N_h / n_h;
    # all respondents: mean weight N / n = 30 / 12
    table = weights_table(small_design())
    assert table["method"].tolist() == ["poststratify"] * 4
    assert table["cell"].tolist() == ["a", "b", "c", "all"]
    np.testing.assert_allclose(table["weight_mean"], [12 / 5, 10 / 4, 8 / 3, 30 / 12], rtol=1e-15)
    np.testing.assert_allclose(table["weight_max"], [12 / 5, 10 / 4, 8 / 3, 8 / 3], rtol=1e-15)


def test_the_weights_table_of_an_unweighted_design_is_one_row():
    # equal weights N / n = 30 / 12: no post-strata, no spread; Kish's deff 1, n_effective n
    from leisurenet.analysis.weighting import simple_design

    table = weights_table(simple_design(12, 30))
    assert table.columns.tolist() == WEIGHTS_COLUMNS and len(table) == 1
    row = table.iloc[0]
    assert (row["margin"], row["cell"], row["method"], row["n_frame"], row["n_respondents"]) == (
        "all", "all", "none", 30, 12
    )  # fmt: skip
    assert row[["weight_min", "weight_max", "weight_mean"]].tolist() == pytest.approx([2.5] * 3, rel=1e-15)
    assert row["weighted_total"] == pytest.approx(30, rel=1e-15)
    assert (row["cv"], row["deff_kish"], row["n_effective"]) == (0.0, 1.0, 12.0)
